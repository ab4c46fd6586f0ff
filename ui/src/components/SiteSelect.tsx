// The 拠点 picker of the screens that show or book one site's day (board, booking): a labelled
// select over the sites that take bookings.
import type { Site } from "../bindings/Site";

export function SiteSelect({
  label,
  name,
  testId,
  sites,
  value,
  onChange,
  className,
}: {
  label: string;
  name: string;
  testId: string;
  sites: Site[];
  value: string | null | undefined;
  onChange: (site: string) => void;
  className?: string;
}) {
  return (
    <label className={className}>
      {label}
      <select name={name} data-testid={testId} value={value ?? ""} onChange={(e) => onChange(e.target.value)}>
        {sites.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}
