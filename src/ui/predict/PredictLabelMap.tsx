interface PredictLabelMapProps {
  /** The classifier's classes, in output order. */
  readonly labels: readonly string[];
  /** What each class is written as in the CSV; a class without an entry is written as its name. */
  readonly mapping: ReadonlyMap<string, string>;
  onChange(mapping: ReadonlyMap<string, string>): void;
}

/**
 * The label mapping of the CSV download: for each class, the text written in the `label` column (by default
 * the class name; a competition may want `1` / `-1` back).
 */
export function PredictLabelMap({ labels, mapping, onChange }: PredictLabelMapProps) {
  const set = (label: string, text: string): void => {
    const next = new Map(mapping);
    next.set(label, text);
    onChange(next);
  };
  return (
    <details className="predict-label-map">
      <summary>Label mapping (what the CSV writes for each class)</summary>
      <table>
        <thead>
          <tr>
            <th>Class</th>
            <th>Written in the CSV as</th>
          </tr>
        </thead>
        <tbody>
          {labels.map((label) => (
            <tr key={label}>
              <td>{label}</td>
              <td>
                <input
                  type="text"
                  aria-label={`CSV label for ${label}`}
                  value={mapping.get(label) ?? label}
                  onChange={(event) => set(label, event.currentTarget.value)}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="link" onClick={() => onChange(new Map())} disabled={mapping.size === 0}>
        Use the class names
      </button>
    </details>
  );
}
