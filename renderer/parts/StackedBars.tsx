import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

// Okabe–Ito: told apart on the dark panel and with the common colour-vision deficiencies.
const PALETTE = ['#56b4e9', '#e69f00', '#009e73', '#f0e442', '#cc79a7', '#d55e00', '#0072b2', '#ffffff'];

/** A stacked bar chart of counts per series along one axis (hours of a day, days of a month): one look for every chart. */
export function StackedBars({
  title,
  rows,
  keys,
  xKey,
  tickWords,
  tooltipWords,
  empty,
}: {
  title: string;
  rows: Record<string, string | number>[];
  keys: string[];
  xKey: string;
  /** The axis value in words on the ticks, and (when given) as the tooltip's heading. */
  tickWords: (v: string) => string;
  tooltipWords?: (v: string) => string;
  empty: string;
}) {
  if (rows.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="chart" role="img" aria-label={title}>
      <ResponsiveContainer>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#3a4754" />
          <XAxis dataKey={xKey} stroke="#c9d2db" tickFormatter={tickWords} />
          <YAxis stroke="#c9d2db" allowDecimals={false} />
          <Tooltip
            contentStyle={{ background: '#0b0f13', border: '1px solid #4b5d70' }}
            {...(tooltipWords
              ? { labelFormatter: (v: unknown) => tooltipWords(typeof v === 'string' ? v : '') }
              : {})}
          />
          <Legend />
          {keys.map((k, i) => (
            <Bar
              key={k}
              dataKey={k}
              stackId="a"
              fill={PALETTE[i % PALETTE.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
