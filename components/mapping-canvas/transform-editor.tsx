"use client";
import { inputClass } from "@/components/ui/form";
import { type Cast, type CastType, castLabels, castTypes, dateInputLabels, dateInputs, defaultCast, type DateInput, type Rounding, roundingLabels, roundings } from "@/lib/mapping/casts";
import { dateFormats, type Transform } from "@/lib/mapping/schema";
import { cn } from "@/lib/utils";

const isCast = (t: Transform): t is Cast => (castTypes as readonly string[]).includes(t.type);

/** A link's cast: which type it converts to, and how (rounding, or the format the input is read in). */
function CastEditor({ cast, onChange }: { cast?: Cast; onChange: (cast: Cast | undefined) => void }) {
  return (
    <>
      <label className="flex items-center gap-1.5">
        convert
        <select aria-label="Convert" className={cn(inputClass, "w-auto")} value={cast?.type ?? ""} onChange={(e) => onChange(e.target.value ? defaultCast(e.target.value as CastType) : undefined)}>
          <option value="">as is</option>
          {castTypes.map((type) => (
            <option key={type} value={type}>
              {castLabels[type]}
            </option>
          ))}
        </select>
      </label>
      {cast?.type === "to_integer" && (
        <select aria-label="Rounding" className={cn(inputClass, "w-auto")} value={cast.rounding} onChange={(e) => onChange({ ...cast, rounding: e.target.value as Rounding })}>
          {roundings.map((r) => (
            <option key={r} value={r}>
              {roundingLabels[r]}
            </option>
          ))}
        </select>
      )}
      {(cast?.type === "to_date" || cast?.type === "to_datetime") && (
        <select aria-label="Input format" className={cn(inputClass, "w-auto")} value={cast.input} onChange={(e) => onChange({ ...cast, input: e.target.value as DateInput })}>
          {dateInputs.map((f) => (
            <option key={f} value={f}>
              read as {dateInputLabels[f]}
            </option>
          ))}
        </select>
      )}
    </>
  );
}

/** Puts a cast in place of the link's cast (or adds it last); none removes it. */
export function withCast(transforms: Transform[], cast: Cast | undefined): Transform[] {
  const at = transforms.findIndex(isCast);
  if (!cast) return transforms.filter((t) => !isCast(t));
  return at === -1 ? [...transforms, cast] : transforms.map((t, i) => (i === at ? cast : t));
}

export function TransformEditor({ transforms, onChange }: { transforms: Transform[]; onChange: (t: Transform[]) => void }) {
  const has = (type: Transform["type"]) => transforms.some((t) => t.type === type);
  const toggle = (t: Transform) => onChange(has(t.type) ? transforms.filter((x) => x.type !== t.type) : [...transforms, t]);
  const date = transforms.find((t) => t.type === "date_format");
  const fallback = transforms.find((t) => t.type === "default");
  return (
    <div className="flex flex-wrap items-center gap-3 text-sm">
      {(["trim", "lowercase", "uppercase"] as const).map((type) => (
        <label key={type} className="flex items-center gap-1.5">
          <input type="checkbox" checked={has(type)} onChange={() => toggle({ type })} /> {type}
        </label>
      ))}
      <CastEditor cast={transforms.find(isCast)} onChange={(cast) => onChange(withCast(transforms, cast))} />
      <label className="flex items-center gap-1.5">
        date format
        <select className={cn(inputClass, "w-auto")} value={date?.type === "date_format" ? date.format : ""} onChange={(e) => onChange([...transforms.filter((t) => t.type !== "date_format"), ...(e.target.value ? [{ type: "date_format" as const, format: e.target.value as (typeof dateFormats)[number] }] : [])])}>
          <option value="">as is</option>
          {dateFormats.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      <label className="flex items-center gap-1.5">
        when empty
        <input className={cn(inputClass, "w-32")} placeholder="(leave empty)" value={fallback?.type === "default" ? String(fallback.value ?? "") : ""} onChange={(e) => onChange([...transforms.filter((t) => t.type !== "default"), ...(e.target.value ? [{ type: "default" as const, value: e.target.value }] : [])])} />
      </label>
    </div>
  );
}
