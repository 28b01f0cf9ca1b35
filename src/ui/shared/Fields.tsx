import type { ReactNode } from 'react';

interface NumberFieldProps {
  readonly label: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly step?: number;
  readonly disabled?: boolean;
  readonly title?: string;
  readonly onChange: (value: number) => void;
}

/** A labelled number input that only reports values within [min, max]. */
export function NumberField({ label, value, min, max, step = 1, disabled, title, onChange }: NumberFieldProps) {
  return (
    <label title={title}>
      {label}
      <input
        type="number"
        min={min}
        max={max}
        step={step}
        value={value}
        disabled={disabled}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (e.target.value !== '' && Number.isFinite(v)) onChange(Math.max(min, Math.min(max, v)));
        }}
      />
    </label>
  );
}

interface CheckboxFieldProps {
  readonly label: string;
  readonly checked: boolean;
  readonly disabled?: boolean;
  readonly title?: string;
  readonly onChange: (checked: boolean) => void;
}

/** A labelled checkbox. */
export function CheckboxField({ label, checked, disabled, title, onChange }: CheckboxFieldProps) {
  return (
    <label className="checkbox" title={title}>
      <input type="checkbox" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

interface SelectFieldProps<T extends string> {
  readonly label: string;
  readonly value: T;
  readonly options: readonly (readonly [T, string])[];
  readonly disabled?: boolean;
  readonly title?: string;
  readonly onChange: (value: T) => void;
}

/** A labelled select over a fixed list of `[value, label]` options. */
export function SelectField<T extends string>({ label, value, options, disabled, title, onChange }: SelectFieldProps<T>) {
  return (
    <label title={title}>
      {label}
      <select value={value} disabled={disabled} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A titled group of fields. */
export function FieldGroup({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  return (
    <fieldset className="field-group">
      <legend>{title}</legend>
      <div className="settings">{children}</div>
    </fieldset>
  );
}
