/** Small readers of the server-rendered HTML, shared by the auth and form tests. */

export function unescapeHtml(s: string): string {
  return s
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;|&#x27;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The text of the error paragraph rendered right under the field `name` (partials/field.ejs), or null. */
export function fieldError(html: string, name: string): string | null {
  const m = new RegExp(`<p class="field-error" id="f-${name}(?:-\\d+)?-err">([\\s\\S]*?)</p>`).exec(html);
  return m ? unescapeHtml(m[1]).trim() : null;
}

/** Whether the input/select/textarea `name` is marked invalid (aria-invalid, pointing at its error). */
export function fieldMarkedInvalid(html: string, name: string): boolean {
  return new RegExp(`id="f-${name}"[^>]*aria-invalid="true" aria-describedby="f-${name}-err"`).test(html);
}

/** The value="..." of the first <input> named `name` (optionally only inside `scope`). */
export function inputValue(html: string, name: string): string | null {
  const re = /<input\b[^>]*>/g;
  for (const tag of html.match(re) ?? []) {
    if (!new RegExp(`\\bname="${name}"`).test(tag)) continue;
    const v = /\bvalue="([^"]*)"/.exec(tag);
    return v ? unescapeHtml(v[1]) : '';
  }
  return null;
}

/** The value of the selected <option> of the <select> named `name`. */
export function selectedValue(html: string, name: string): string | null {
  const m = new RegExp(`<select[^>]*name="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (!m) return null;
  const o = /<option value="([^"]*)" selected>/.exec(m[1]);
  return o ? unescapeHtml(o[1]) : null;
}

/** The text of a <textarea> named `name`. */
export function textareaValue(html: string, name: string): string | null {
  const m = new RegExp(`<textarea[^>]*name="${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return m ? unescapeHtml(m[1]) : null;
}

/** All hidden inputs of the first <form> whose action is `action`, as a {name: value} record. */
export function hiddenFieldsOf(html: string, action: string): Record<string, string> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`No form with action ${action}`);
  const end = html.indexOf('</form>', start);
  const form = html.slice(start, end);
  const out: Record<string, string> = {};
  for (const tag of form.match(/<input\b[^>]*>/g) ?? []) {
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    const value = /\bvalue="([^"]*)"/.exec(tag)?.[1] ?? '';
    if (name && /type="hidden"/.test(tag)) out[name] = unescapeHtml(value);
    else if (name && !(name in out)) out[name] = unescapeHtml(value); // visible fields (e.g. the transfer date) keep their value
  }
  return out;
}

/** The text of the page's error summary box (partials/form-errors.ejs or an inline error-box). */
export function errorBox(html: string): string {
  const m = /class="error-box"[^>]*>([\s\S]*?)<\/(div|p)>/.exec(html);
  return m
    ? unescapeHtml(m[1].replace(/<[^>]+>/g, ' '))
        .replace(/\s+/g, ' ')
        .trim()
    : '';
}

/** The session id inside a signed express-session cookie value ("s:<id>.<signature>", URL-encoded). */
export function sessionIdOf(setCookie: string[] | string | undefined, name = 'reestr.sid'): string | null {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of list) {
    const m = new RegExp(`^${name.replace('.', '\\.')}=([^;]*)`).exec(c);
    if (!m) continue;
    const raw = decodeURIComponent(m[1]);
    const id = /^s:([^.]+)\./.exec(raw)?.[1];
    return id ?? raw;
  }
  return null;
}

/** The whole "name=value" pair of the cookie `name` from Set-Cookie headers. */
export function cookiePair(setCookie: string[] | string | undefined, name = 'reestr.sid'): string | null {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  for (const c of list) if (c.startsWith(`${name}=`)) return c.split(';')[0];
  return null;
}

/** The HTML of the first <form> whose action is `action` (to read fields of one form on a page with several). */
export function formHtml(html: string, action: string): string {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`No form with action ${action}`);
  const formStart = html.lastIndexOf('<form', start);
  return html.slice(formStart, html.indexOf('</form>', start) + 7);
}

/** ДД.ММ.ГГГГ of an ISO day. */
export function ru(day: string): string {
  const [y, m, d] = day.split('-');
  return `${d}.${m}.${y}`;
}
