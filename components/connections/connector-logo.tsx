import Image from "next/image";

/** A connector's mark from public/connectors (decorative: its name is always written beside it). */
export function ConnectorLogo({ connector, size = 20 }: { connector: string; size?: number }) {
  return <Image src={`/connectors/${connector}.svg`} alt="" width={size} height={size} className="shrink-0 rounded" unoptimized />;
}
