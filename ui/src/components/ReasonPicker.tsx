// A coded reason (issue 18): staff pick a code from a list (the built-in codes, the city's
// active ones, "other" last); the picked code's label is what reports print. Any words staff add
// go in a separate, optional field that stays in the encrypted store.
import { useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { CityReason } from "../bindings/CityReason";
import type { ReasonKind } from "../bindings/ReasonKind";
import { reasonCodes, reasonLabel, t } from "../i18n";
import { MAX_LENGTH } from "../limits";

/** The codes the city added in settings (none if they cannot be read: the built-in lists remain). */
export function useCityReasons(backend: Backend): CityReason[] {
  const [reasons, setReasons] = useState<CityReason[]>([]);
  useEffect(() => {
    let live = true;
    backend.cityReasons().then(
      (r) => live && setReasons(r),
      () => live && setReasons([]),
    );
    return () => {
      live = false;
    };
  }, [backend]);
  return reasons;
}

interface PickerProps {
  kind: ReasonKind;
  /** The visible label of the select. */
  label: string;
  name: string;
  value: string;
  onChange: (code: string) => void;
  city: CityReason[];
  className?: string;
}

/** A select of one reason list; "" means nothing picked yet. A retired city code still shows if picked. */
export function ReasonPicker({ kind, label, name, value, onChange, city, className }: PickerProps) {
  const codes = reasonCodes(kind, city);
  if (value && !codes.includes(value)) codes.unshift(value);
  return (
    <label className={className}>
      {label}
      <select name={name} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t("reason.pick")}</option>
        {codes.map((code) => (
          <option key={code} value={code}>
            {reasonLabel(kind, code, city)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The optional words beside a code, marked as never printed on reports. */
export function ReasonWords({ name, value, onChange, className }: { name: string; value: string; onChange: (words: string) => void; className?: string }) {
  return (
    <label className={className}>
      {t("reason.words")}
      <input type="text" name={name} autoComplete="off" maxLength={MAX_LENGTH.reasonWords} value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
