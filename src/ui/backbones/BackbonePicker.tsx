import { BACKBONES, ONLINE_BACKBONES, SCRATCH_BACKBONE } from '../../engine/backbones';
import { studioActions, useStudio } from '../shared/useStudio';

interface Props {
  readonly disabled: boolean;
  /** Opens the "Your own model…" panel. */
  readonly onOwnModel: () => void;
}

/**
 * The backbone select (label "Backbone"; option values are catalog ids): the backbones served with the
 * studio, the online catalog (size in the label; downloaded only when picked), the from-scratch baseline,
 * and the model of the user's own once chosen; then the button that opens "Your own model…".
 */
export function BackbonePicker({ disabled, onOwnModel }: Props) {
  const backboneId = useStudio((s) => s.settings.backboneId);
  const custom = useStudio((s) => s.customBackbone);
  const known = [...BACKBONES, ...ONLINE_BACKBONES, SCRATCH_BACKBONE].some((b) => b.id === backboneId) || custom?.entry.id === backboneId;
  return (
    <>
      <label>
        Backbone
        <select value={backboneId} disabled={disabled} onChange={(e) => studioActions().updateSettings({ backboneId: e.target.value })}>
          <optgroup label="Included">
            {BACKBONES.map((b) => (
              <option key={b.id} value={b.id}>
                {b.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Online (downloaded when picked)">
            {ONLINE_BACKBONES.map((b) => (
              <option key={b.id} value={b.id}>
                {b.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="Baseline">
            <option value={SCRATCH_BACKBONE.id}>{SCRATCH_BACKBONE.label}</option>
          </optgroup>
          {custom && (
            <optgroup label="Yours">
              <option value={custom.entry.id}>{custom.entry.label}</option>
            </optgroup>
          )}
          {!known && <option value={backboneId}>{backboneId} (not loaded in this page)</option>}
        </select>
      </label>
      <button type="button" className="own-model" disabled={disabled} onClick={onOwnModel}>
        Your own model…
      </button>
    </>
  );
}
