import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { datasetColumns, datasetDefinitionSchema } from "@/lib/datasets/definition";
import { type FormValues, toDefinition } from "./dataset-form-model";

/** The columns the dataset being defined would have, or why it cannot be built yet. */
export function DatasetColumns({ values }: { values: FormValues }) {
  const parsedPreview = datasetDefinitionSchema.safeParse(toDefinition(values));
  const columns = parsedPreview.success ? datasetColumns(parsedPreview.data) : [];
  return (
    <aside>
      <Card className="sticky top-8">
        <CardHeader title={`Columns (${columns.length})`} />
        {parsedPreview.success ? (
          <ul className="flex flex-col gap-1 p-4 text-sm" aria-label="Resulting columns">
            {columns.map((c) => (
              <li key={c.name} className="flex items-center justify-between gap-2">
                <code className="truncate">{c.name}</code>
                <Badge>{c.type}</Badge>
              </li>
            ))}
          </ul>
        ) : (
          <p className="p-4 text-sm text-amber-700">{parsedPreview.error.issues[0]?.message}</p>
        )}
      </Card>
    </aside>
  );
}
