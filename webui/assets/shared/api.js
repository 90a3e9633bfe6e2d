// JSON calls to the app with the page's CSRF token (X-CSRFToken, from <meta name=csrf-token>).
// A failed call becomes an ApiError whose message is the server's own sentence, or what to do.
import { t } from "./page_config.js";

export class ApiError extends Error {
  constructor(status, data) {
    const said = data && (data.detail || data.message || data.error);
    super(said || t("http_failed", { status }));
    this.status = status;
    this.data = data;
  }
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/**
 * `method` `url` with `body` as JSON; resolves to {status, data}. Statuses in `accepted`
 * (besides 2xx) resolve too, e.g. 422 whose body lists the problems to show.
 */
export async function callJson(method, url, body, accepted = []) {
  const headers = { Accept: "application/json", "X-CSRFToken": csrfToken() };
  const init = { method, headers, credentials: "same-origin" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, { detail: t("network_failed") });
  }
  const type = response.headers.get("Content-Type") || "";
  const data = type.includes("json") ? await response.json() : null;
  if (!response.ok && !accepted.includes(response.status)) {
    if (response.status === 403) throw new ApiError(403, { detail: t("forbidden") });
    if (response.status === 404 && !data) throw new ApiError(404, { detail: t("not_found", { url }) });
    throw new ApiError(response.status, data);
  }
  return { status: response.status, data };
}

export const getJson = (url) => callJson("GET", url).then((answer) => answer.data);
