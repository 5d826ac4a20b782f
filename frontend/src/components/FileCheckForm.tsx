import type { FormEvent } from "react";

export type FileCheckBusy = "" | "check" | "import";

interface Props {
  fileLabel: string;
  accept: string;
  labels: { check: string; checking: string; apply: string; applying: string };
  busy: FileCheckBusy;
  /** The apply button appears only after a clean check. */
  canApply: boolean;
  /** Changing it clears the file input (after a successful import). */
  inputKey: number;
  onFile: (file: File | null) => void;
  onCheck: () => void;
  onApply: () => void;
}

/** Choose a file, check it first (dry run), then apply: the shared form of every all-or-nothing import. */
export function FileCheckForm({
  fileLabel,
  accept,
  labels,
  busy,
  canApply,
  inputKey,
  onFile,
  onCheck,
  onApply,
}: Props) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    onCheck();
  };
  return (
    <form onSubmit={submit} className="inline-form" noValidate>
      <label>
        {fileLabel}
        <input
          key={inputKey}
          type="file"
          name="file"
          accept={accept}
          onChange={(e) => onFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <button type="submit" className="secondary" disabled={busy !== ""}>
        {busy === "check" ? labels.checking : labels.check}
      </button>
      {canApply && (
        <button type="button" disabled={busy !== ""} onClick={onApply}>
          {busy === "import" ? labels.applying : labels.apply}
        </button>
      )}
    </form>
  );
}
