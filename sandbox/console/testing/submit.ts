// Submits a console form as a browser does, without following the 303, for tests that drive the console through its forms.

/** POSTs `fields` url-encoded to `url`; the status and where the answer points the browser. */
export async function submitForm(url: string, fields: Record<string, string>): Promise<{ status: number; location: string | null }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') };
}
