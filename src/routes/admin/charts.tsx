// Charts drawn on the server as SVG (no script, no CDN; the CSP stays strict). Each chart
// scales to its container and carries a title for screen readers; the numbers are also in
// the table under it and in its CSV.

const FONT = "'Noto Sans CJK JP','Noto Sans JP','Hiragino Sans',system-ui,sans-serif";
export const COLORS = ["#0b57d0", "#137333", "#e37400", "#b3261e", "#7b1fa2", "#00838f", "#5f6368", "#c2185b"];
const AXIS = "#9aa0a6";
const GRID = "#e3e3e8";
const INK = "#1b1b1f";

export interface Datum {
  label: string;
  value: number;
  color?: string;
}

/**
 * The top of the axis: 1, 2 or 5 times a power of ten, at least `max`. Counts and yen are
 * whole numbers, so their axis reaches at least 5 and every tick is a whole number.
 */
export function niceMax(max: number, whole = true): number {
  const floor = whole ? 5 : 1;
  if (max <= floor) return floor;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/** Ticks that divide a nice maximum evenly: 2×10^k in four steps, 1×10^k and 5×10^k in five. */
export function ticks(max: number): number[] {
  const lead = max / 10 ** Math.floor(Math.log10(max));
  const count = Math.round(lead) === 2 ? 4 : 5;
  return Array.from({ length: count + 1 }, (_, i) => (max / count) * i);
}

function Empty(props: { x: number; y: number }) {
  return (
    <text x={props.x} y={props.y} text-anchor="middle" fill={AXIS} font-size="14">
      データがありません
    </text>
  );
}

const plain = (v: number) => v.toLocaleString("ja-JP", { maximumFractionDigits: 1 });

function Frame(props: { title: string; width: number; height: number; children: unknown }) {
  return (
    <svg class="chart" viewBox={`0 0 ${props.width} ${props.height}`} role="img" aria-label={props.title} font-family={FONT} font-size="12" xmlns="http://www.w3.org/2000/svg">
      <title>{props.title}</title>
      {props.children as never}
    </svg>
  );
}

function YAxis(props: { max: number; left: number; right: number; top: number; bottom: number; format: (v: number) => string }) {
  const h = props.bottom - props.top;
  return (
    <g>
      {ticks(props.max).map((t) => {
        const y = props.bottom - (t / props.max) * h;
        return (
          <g>
            <line x1={props.left} x2={props.right} y1={y} y2={y} stroke={GRID} stroke-width="1" />
            <text x={props.left - 6} y={y + 4} text-anchor="end" fill={AXIS}>
              {props.format(t)}
            </text>
          </g>
        );
      })}
      <line x1={props.left} x2={props.right} y1={props.bottom} y2={props.bottom} stroke={AXIS} stroke-width="1" />
    </g>
  );
}

function Legend(props: { items: { name: string; color: string }[]; x: number; y: number }) {
  let x = props.x;
  return (
    <g>
      {props.items.map((item) => {
        const at = x;
        x += 28 + item.name.length * 12;
        return (
          <g>
            <rect x={at} y={props.y - 10} width="12" height="12" rx="2" fill={item.color} />
            <text x={at + 16} y={props.y} fill={INK}>
              {item.name}
            </text>
          </g>
        );
      })}
    </g>
  );
}

/** Vertical bars, one series or several side by side. */
export function BarChart(props: { title: string; labels: string[]; series: { name: string; values: number[]; color?: string }[]; format?: (v: number) => string; width?: number; height?: number }) {
  const width = props.width ?? 640;
  const height = props.height ?? 260;
  const format = props.format ?? plain;
  const left = 64;
  const right = width - 12;
  const top = props.series.length > 1 ? 30 : 18;
  const bottom = height - 34;
  const max = niceMax(Math.max(0, ...props.series.flatMap((s) => s.values)));
  const empty = props.series.every((s) => s.values.every((v) => !v));
  const slot = (right - left) / Math.max(1, props.labels.length);
  const barW = Math.min(48, (slot * 0.75) / props.series.length);
  const showValues = props.labels.length * props.series.length <= 24;
  return (
    <Frame title={props.title} width={width} height={height}>
      {props.series.length > 1 ? <Legend items={props.series.map((s, i) => ({ name: s.name, color: s.color ?? COLORS[i]! }))} x={left} y={14} /> : null}
      <YAxis max={max} left={left} right={right} top={top} bottom={bottom} format={format} />
      {empty ? <Empty x={(left + right) / 2} y={(top + bottom) / 2} /> : null}
      {props.labels.map((label, i) => {
        const cx = left + slot * i + slot / 2;
        const groupLeft = cx - (barW * props.series.length) / 2;
        return (
          <g>
            {props.series.map((s, j) => {
              const v = s.values[i] ?? 0;
              const h = (v / max) * (bottom - top);
              const x = groupLeft + j * barW;
              return (
                <g>
                  <rect x={x + 1} y={bottom - h} width={Math.max(1, barW - 2)} height={h} rx="2" fill={s.color ?? COLORS[j]!}>
                    <title>{`${label} ${s.name}: ${format(v)}`}</title>
                  </rect>
                  {showValues && v > 0 ? (
                    <text x={x + barW / 2} y={bottom - h - 4} text-anchor="middle" fill={INK} font-size="11">
                      {format(v)}
                    </text>
                  ) : null}
                </g>
              );
            })}
            <text x={cx} y={bottom + 18} text-anchor="middle" fill={INK}>
              {label}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}

/** Lines over days (rates in percent); a missing value leaves a gap. */
export function LineChart(props: { title: string; labels: string[]; series: { name: string; values: (number | null)[]; color?: string }[]; max?: number; format?: (v: number) => string; width?: number; height?: number }) {
  const width = props.width ?? 640;
  const height = props.height ?? 260;
  const format = props.format ?? ((v: number) => `${plain(v)}%`);
  const left = 56;
  const right = width - 20;
  const top = 34;
  const bottom = height - 34;
  const max = props.max ?? niceMax(Math.max(0, ...props.series.flatMap((s) => s.values.filter((v): v is number => v !== null))));
  const step = props.labels.length > 1 ? (right - left) / (props.labels.length - 1) : 0;
  const x = (i: number) => (props.labels.length > 1 ? left + step * i : (left + right) / 2);
  const y = (v: number) => bottom - (v / max) * (bottom - top);
  return (
    <Frame title={props.title} width={width} height={height}>
      <Legend items={props.series.map((s, i) => ({ name: s.name, color: s.color ?? COLORS[i]! }))} x={left} y={14} />
      <YAxis max={max} left={left} right={right} top={top} bottom={bottom} format={format} />
      {props.series.every((s) => s.values.every((v) => v === null)) ? <Empty x={(left + right) / 2} y={(top + bottom) / 2} /> : null}
      {props.labels.map((label, i) => (
        <text x={x(i)} y={bottom + 18} text-anchor="middle" fill={INK}>
          {label}
        </text>
      ))}
      {props.series.map((s, j) => {
        const color = s.color ?? COLORS[j]!;
        const segments: string[] = [];
        let current = "";
        s.values.forEach((v, i) => {
          if (v === null) {
            if (current) segments.push(current);
            current = "";
          } else current += `${current ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        });
        if (current) segments.push(current);
        return (
          <g>
            {segments.map((d) => (
              <path d={d} fill="none" stroke={color} stroke-width="2.5" stroke-linejoin="round" />
            ))}
            {s.values.map((v, i) =>
              v === null ? null : (
                <g>
                  <circle cx={x(i)} cy={y(v)} r="4" fill="#fff" stroke={color} stroke-width="2">
                    <title>{`${props.labels[i]} ${s.name}: ${format(v)}`}</title>
                  </circle>
                  <text x={x(i)} y={y(v) - (j % 2 ? -16 : 8)} text-anchor="middle" fill={color} font-size="11">
                    {format(v)}
                  </text>
                </g>
              ),
            )}
          </g>
        );
      })}
    </Frame>
  );
}

/** Horizontal bars with their labels on the left (statuses, shop ranking). */
export function HBarChart(props: { title: string; data: Datum[]; format?: (v: number) => string; width?: number; labelWidth?: number }) {
  const width = props.width ?? 640;
  const format = props.format ?? plain;
  const labelW = props.labelWidth ?? 200;
  const row = 28;
  const height = Math.max(1, props.data.length) * row + 14;
  const max = niceMax(Math.max(0, ...props.data.map((d) => d.value)));
  const barMax = width - labelW - 70;
  return (
    <Frame title={props.title} width={width} height={height}>
      {props.data.length ? null : <Empty x={width / 2} y={24} />}
      {props.data.map((d, i) => {
        const y = 6 + i * row;
        const w = (d.value / max) * barMax;
        return (
          <g>
            <text x={labelW - 8} y={y + 17} text-anchor="end" fill={INK}>
              {d.label}
            </text>
            <rect x={labelW} y={y + 3} width={Math.max(d.value > 0 ? 2 : 0, w)} height={row - 8} rx="3" fill={d.color ?? COLORS[0]!} />
            <text x={labelW + w + 6} y={y + 17} fill={INK} font-weight="bold">
              {format(d.value)}
            </text>
          </g>
        );
      })}
    </Frame>
  );
}

/** Shares of a whole as a ring, with a legend giving count and percent. */
export function DonutChart(props: { title: string; data: Datum[]; width?: number }) {
  const width = props.width ?? 640;
  const height = Math.max(200, props.data.length * 26 + 30);
  const total = props.data.reduce((s, d) => s + d.value, 0);
  const cx = 110;
  const cy = height / 2;
  const r = 80;
  const inner = 48;
  let angle = -Math.PI / 2;
  const point = (a: number, radius: number) => `${(cx + radius * Math.cos(a)).toFixed(2)},${(cy + radius * Math.sin(a)).toFixed(2)}`;
  return (
    <Frame title={props.title} width={width} height={height}>
      {total === 0 ? (
        <>
          <circle cx={cx} cy={cy} r={(r + inner) / 2} fill="none" stroke={GRID} stroke-width={r - inner} />
          <Empty x={cx + 230} y={cy + 5} />
        </>
      ) : (
        props.data.map((d, i) => {
          const sweep = (d.value / total) * Math.PI * 2;
          const start = angle;
          angle += sweep;
          const color = d.color ?? COLORS[i % COLORS.length]!;
          if (d.value === total) return <circle cx={cx} cy={cy} r={(r + inner) / 2} fill="none" stroke={color} stroke-width={r - inner} />;
          const large = sweep > Math.PI ? 1 : 0;
          const path = `M${point(start, r)} A${r},${r} 0 ${large} 1 ${point(angle, r)} L${point(angle, inner)} A${inner},${inner} 0 ${large} 0 ${point(start, inner)} Z`;
          return (
            <path d={path} fill={color} stroke="#fff" stroke-width="1">
              <title>{`${d.label}: ${d.value}`}</title>
            </path>
          );
        })
      )}
      <text x={cx} y={cy + 5} text-anchor="middle" fill={INK} font-size="16" font-weight="bold">
        {total ? plain(total) : ""}
      </text>
      {props.data.map((d, i) => (
        <g>
          <rect x={230} y={18 + i * 26} width="14" height="14" rx="3" fill={d.color ?? COLORS[i % COLORS.length]!} />
          <text x={252} y={30 + i * 26} fill={INK}>
            {d.label}: {plain(d.value)}（{total ? plain(Math.round((d.value / total) * 1000) / 10) : 0}%）
          </text>
        </g>
      ))}
    </Frame>
  );
}
