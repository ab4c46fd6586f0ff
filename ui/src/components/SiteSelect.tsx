// The 拠点 picker of the screens that show or book one site's day (board, booking, moving a
// booking to another site): a labelled select over the sites that take bookings.
import type { Site } from "../bindings/Site";

export function SiteSelect({
  label,
  name,
  testId,
  sites,
  value,
  onChange,
  className,
  autoFocus,
}: {
  label: string;
  name: string;
  testId: string;
  sites: Site[];
  value: string | null | undefined;
  onChange: (site: string) => void;
  className?: string;
  autoFocus?: boolean;
}) {
  return (
    <label className={className}>
      {label}
      <select name={name} data-testid={testId} value={value ?? ""} autoFocus={autoFocus} onChange={(e) => onChange(e.target.value)}>
        {sites.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}
