/**
 * Submits a presigned POST form the way a browser's FormData does: every field in order, then the file
 * last (S3 ignores fields after the file).
 */
export const postForm = async (
  url: string,
  fields: Record<string, string>,
  file: Buffer,
  filename: string,
  contentType: string,
): Promise<{ status: number; body: string }> => {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([new Uint8Array(file)], { type: contentType }), filename);
  const response = await fetch(url, { method: "POST", body: form });
  return { status: response.status, body: await response.text() };
};
