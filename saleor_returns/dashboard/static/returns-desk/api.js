// Calls to the app's own GraphQL API, with the staff token of the Dashboard.
//
// Every request names the shop (Saleor-Api-Url) and carries the token the
// Dashboard handed over (Authorization: Bearer); nothing is kept in cookies.

export class ApiError extends Error {
  constructor(message, { status = 0, errors = [] } = {}) {
    super(message);
    this.status = status;
    this.errors = errors;
  }
}

// Why a download (a CSV, the review's page or PDF) was refused: its JSON errors' messages, else the status.
export async function downloadRefusal(response) {
  try {
    const body = await response.json();
    return body.errors.map((error) => error.message).join(" ");
  } catch (error) {
    return String(response.status);
  }
}

export class Api {
  constructor({ endpoint, bridge, language }) {
    this.endpoint = endpoint;
    this.bridge = bridge;
    this.language = language;
  }

  _headers() {
    const headers = {
      "Saleor-Api-Url": this.bridge.state.saleorApiUrl,
      "Accept-Language": this.language(),
    };
    const token = this.bridge.token;
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  // A staff download (a CSV, the review's PDF): fetched with the desk's headers (a plain link would carry
  // no token) and saved under the name the app gives it, else `fallbackName`. Throws with the refusal's message.
  async download(href, fallbackName) {
    const response = await fetch(href, { headers: this._headers(), credentials: "omit" });
    if (!response.ok) throw new Error(await downloadRefusal(response));
    const named = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = named ? named[1] : fallbackName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  async _send(body, contentType) {
    const headers = this._headers();
    if (contentType) headers["Content-Type"] = contentType;
    let response;
    try {
      response = await fetch(this.endpoint, { method: "POST", headers, body, credentials: "omit" });
    } catch (error) {
      throw new ApiError("network", { status: 0 });
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch (error) {
      throw new ApiError("server", { status: response.status });
    }
    if (response.status === 401) {
      throw new ApiError((payload && payload.error && payload.error.message) || "unauthorized", { status: 401 });
    }
    if (payload && payload.errors && payload.errors.length && !payload.data) {
      throw new ApiError(payload.errors[0].message, { status: response.status, errors: payload.errors });
    }
    if (!response.ok && !payload.data) throw new ApiError("server", { status: response.status });
    if (payload.errors && payload.errors.length) {
      // Partial data: a field refused (e.g. an unknown id). Surface the first message.
      const error = new ApiError(payload.errors[0].message, { status: response.status, errors: payload.errors });
      error.data = payload.data;
      throw error;
    }
    return payload.data;
  }

  query(query, variables = {}) {
    return this._send(JSON.stringify({ query, variables }), "application/json");
  }

  // Runs a mutation and returns its payload field ({errors: [...], ...}).
  async mutate(query, variables, field) {
    const data = await this.query(query, variables);
    const result = data[field] || { errors: [] };
    result.errors = result.errors || [];
    return result;
  }

  // GraphQL multipart request: one file for returnEvidenceUpload.
  async upload(file) {
    const form = new FormData();
    form.append(
      "operations",
      JSON.stringify({
        query:
          "mutation Upload($file: Upload!) { returnEvidenceUpload(file: $file) { errors { field code message } evidence { id filename url contentType } } }",
        variables: { file: null },
      }),
    );
    form.append("map", JSON.stringify({ 0: ["variables.file"] }));
    form.append("0", file, file.name);
    const data = await this._send(form, null);
    return data.returnEvidenceUpload;
  }
}
