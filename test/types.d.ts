// Vite's ?raw imports (file contents as a string).
declare module "*?raw" {
  const text: string;
  export default text;
}
