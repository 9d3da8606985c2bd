// The playground: generate as options change, read an uploaded, dropped or camera-taken image and outline what
// was found, and show the same call made with the Python SDK and with curl. Every call is a POST with the
// session's CSRF token in a header; the page holds no client secret and no token.
"use strict";

const CSRF = document.querySelector('meta[name="csrf-token"]').content;
const DEBOUNCE_MS = 300;
const SVG_NS = "http://www.w3.org/2000/svg";

async function call(path, body) {
  const response = await fetch(path, {
    method: "POST",
    body,
    headers: { "X-CSRF-Token": CSRF, Accept: "application/json, image/*" },
    credentials: "same-origin",
  });
  if (response.ok) return response;
  let message = `${response.status} ${response.statusText}`;
  try {
    const problem = await response.json();
    message = problem.error?.message || message;
  } catch { /* not an ApiErrorResponse */ }
  throw Object.assign(new Error(message), { status: response.status });
}

// A Python string literal (JSON's escapes are Python's too) and a single-quoted shell word.
const py = (text) => JSON.stringify(text);
const sh = (text) => `'${String(text).replaceAll("'", "'\\''")}'`;

function sdkConfig(host) {
  return [
    "config = Configuration(",
    '    client_id="YOUR_CLIENT_ID",',
    '    client_secret="YOUR_CLIENT_SECRET",',
    `    host=${py(host)},`,
    ")",
  ];
}

function curlToken(origin) {
  return [
    `TOKEN=$(curl -s ${origin}/connect/token \\`,
    "  -d grant_type=client_credentials \\",
    "  -d client_id=YOUR_CLIENT_ID \\",
    "  -d client_secret=YOUR_CLIENT_SECRET \\",
    "  | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])')",
  ];
}

function pythonImport(names) {
  const sorted = [...names].sort();
  const line = `from barcode_cloud import ${sorted.join(", ")}`;
  return line.length <= 64 ? [line] : ["from barcode_cloud import (", ...sorted.map((n) => `    ${n},`), ")"];
}

// Small images are shown magnified, whole modules to a pixel of theirs, so that their modules can be seen.
const SHOWN_AT_LEAST = 240;
function magnify(image) {
  const scale = Math.floor(SHOWN_AT_LEAST / Math.max(image.naturalWidth, image.naturalHeight, 1));
  image.style.width = scale > 1 ? `${image.naturalWidth * scale}px` : "";
}

function setCode(id, lines) {
  document.querySelector(`#${id} code`).textContent = lines.join("\n");
}

function showError(element, message) {
  element.textContent = message || "";
  element.hidden = !message;
}

// --- Generate ---------------------------------------------------------------------------------------------------

function setUpGenerate(section) {
  const form = section.querySelector("#generate-form");
  const type = form.querySelector("#pg-type");
  const data = form.querySelector("#pg-data");
  const note = form.querySelector("#pg-type-note");
  const image = section.querySelector("#generate-image");
  const placeholder = section.querySelector("#generate-placeholder");
  const status = section.querySelector("#generate-status");
  const generalError = section.querySelector("#generate-error");
  const download = section.querySelector("#generate-download");
  const readButton = section.querySelector("#generate-read");
  const groups = [...form.querySelectorAll("fieldset[data-group]")];
  const apiHost = section.dataset.apiHost;
  const origin = section.dataset.origin;
  let timer = 0;
  let sent = 0; // the number of the latest call: older answers are dropped
  let lastSample = "";
  let blob = null;

  const chosen = () => type.selectedOptions[0];
  const visibleControls = () =>
    groups.filter((g) => !g.hidden).flatMap((g) => [...g.querySelectorAll("[data-sdk-attr]")]);
  const given = () => visibleControls().filter((c) => c.value.trim() !== "");

  function clearErrors() {
    for (const control of [data, ...form.querySelectorAll("[data-sdk-attr]")]) control.removeAttribute("aria-invalid");
    for (const element of section.querySelectorAll(".field-error")) showError(element, "");
  }

  // The API's message names the parameter it is about (looked for among those given first); anything else is
  // about the data.
  function placeError(message) {
    const named = given()
      .concat(visibleControls())
      .find((c) => new RegExp(`\\b${c.name}\\b`).test(message));
    const control = named || (/barcode type|barcodeType/.test(message) ? null : data);
    if (!control) {
      showError(generalError, message);
      return;
    }
    control.setAttribute("aria-invalid", "true");
    showError(document.getElementById(`pg-${control.name}-error`), message);
  }

  function pythonValue(control) {
    const value = control.value.trim();
    if (control.dataset.sdkEnum) return `${control.dataset.sdkEnum}.${control.selectedOptions[0].dataset.sdk}`;
    if (control.dataset.kind === "bool") return value === "true" ? "True" : "False";
    if (control.dataset.kind === "int" || control.dataset.kind === "float") return value;
    return py(value);
  }

  function snippets() {
    const imports = new Set(["ApiClient", "Configuration", "EncodeBarcodeType", "GenerateApi"]);
    const args = [`EncodeBarcodeType.${chosen().dataset.sdk}`, py(data.value)];
    const query = [`--data-urlencode ${sh(`data=${data.value}`)}`];
    for (const group of groups.filter((g) => !g.hidden)) {
      const controls = given().filter((c) => group.contains(c));
      if (!controls.length) continue;
      for (const c of controls) {
        if (c.dataset.sdkEnum) imports.add(c.dataset.sdkEnum);
        query.push(`--data-urlencode ${sh(`${c.name}=${c.value.trim()}`)}`);
      }
      if (group.dataset.group === "encodeData") {
        args.push(...controls.map((c) => `${c.dataset.sdkAttr}=${pythonValue(c)}`));
      } else {
        imports.add(group.dataset.sdkClass);
        const fields = controls.map((c) => `${c.dataset.sdkAttr}=${pythonValue(c)}`).join(", ");
        args.push(`${group.dataset.sdkArg}=${group.dataset.sdkClass}(${fields})`);
      }
    }
    const format = form.querySelector('[name="imageFormat"]');
    const file = `barcode.${(format.value || "Png").toLowerCase()}`;
    setCode("generate-python", [
      ...pythonImport(imports),
      "",
      ...sdkConfig(apiHost),
      "with ApiClient(config) as client:",
      "    image = GenerateApi(client).generate(",
      ...args.map((a) => `        ${a},`),
      "    )",
      `with open(${py(file)}, "wb") as out:`,
      "    out.write(image)",
    ]);
    setCode("generate-curl", [
      ...curlToken(origin),
      `curl -s -G ${apiHost}/barcode/generate/${encodeURIComponent(type.value)} \\`,
      '  -H "Authorization: Bearer $TOKEN" \\',
      ...query.map((q) => `  ${q} \\`),
      `  -o ${file}`,
    ]);
    download.download = file;
  }

  async function generate() {
    const number = ++sent;
    clearErrors();
    if (data.value === "") {
      placeError("data is required: type what the barcode should hold");
      return;
    }
    const body = new URLSearchParams({ barcodeType: type.value, data: data.value });
    for (const c of given()) body.append(c.name, c.value.trim());
    status.textContent = "Generating…";
    try {
      const response = await call("/playground/generate", body);
      const answer = await response.blob();
      if (number !== sent) return;
      if (image.src) URL.revokeObjectURL(image.src);
      blob = answer;
      image.src = URL.createObjectURL(blob);
      image.alt = `${type.value} barcode holding ${data.value}`;
      image.hidden = false;
      placeholder.hidden = true;
      download.href = image.src;
      download.hidden = false;
      readButton.disabled = false;
      status.textContent = `${type.value}, ${blob.type}, ${blob.size.toLocaleString()} bytes`;
    } catch (error) {
      if (number !== sent) return;
      status.textContent = "";
      placeError(error.message);
    }
  }

  function later() {
    snippets();
    clearTimeout(timer);
    timer = setTimeout(generate, DEBOUNCE_MS);
  }

  function typeChanged() {
    const option = chosen();
    note.textContent = option.dataset.note;
    const applies = new Set(["encodeData", "barcodeImageParams", ...option.dataset.groups.split(" ")]);
    for (const group of groups) group.hidden = !applies.has(group.dataset.group);
    if (data.value === "" || data.value === lastSample) data.value = option.dataset.sample;
    lastSample = option.dataset.sample;
  }

  image.addEventListener("error", () => {
    if (!image.src) return;
    image.hidden = true;
    placeholder.hidden = false;
    placeholder.textContent = "This browser cannot show this image format: download it to see it.";
  });
  image.addEventListener("load", () => {
    placeholder.textContent = "The image appears here.";
    magnify(image);
    status.textContent += `, ${image.naturalWidth} × ${image.naturalHeight} px`;
  });
  type.addEventListener("change", () => { typeChanged(); later(); });
  form.addEventListener("input", (event) => { if (event.target !== type) later(); });
  form.addEventListener("submit", (event) => event.preventDefault());
  readButton.addEventListener("click", () => {
    if (!blob) return;
    const extension = blob.type.split("/")[1]?.replace("svg+xml", "svg") || "png";
    section.dispatchEvent(new CustomEvent("playground:image", { bubbles: true, detail: new File([blob], `barcode.${extension}`, { type: blob.type }) }));
  });
  typeChanged();
  snippets();
  generate();
}

// --- Recognize and scan -----------------------------------------------------------------------------------------

function setUpRecognize(section) {
  const form = section.querySelector("#recognize-form");
  const drop = section.querySelector("#recognize-drop");
  const inputs = [section.querySelector("#pg-file"), section.querySelector("#pg-camera")];
  const options = section.querySelector("#recognize-options");
  const types = section.querySelector("#pg-decode-type");
  const image = section.querySelector("#recognize-image");
  const overlay = section.querySelector("#recognize-overlay");
  const placeholder = section.querySelector("#recognize-placeholder");
  const status = section.querySelector("#recognize-status");
  const generalError = section.querySelector("#recognize-error");
  const typeError = section.querySelector("#pg-barcodeType-error");
  const found = section.querySelector("#recognize-found");
  const generate = document.getElementById("generate");
  const apiHost = generate.dataset.apiHost;
  const origin = generate.dataset.origin;
  const maxBytes = Number(section.dataset.maxBytes);
  let file = null;
  let sent = 0;

  const scanning = () => form.querySelector('[name="operation"]:checked').value === "scan";
  const extra = () => [section.querySelector("#pg-mode"), section.querySelector("#pg-kind")].filter((s) => s.value);

  function snippets() {
    const name = file ? file.name : "IMAGE.png";
    const imports = ["ApiClient", "Configuration"];
    let callLines;
    const fields = [`-F ${sh(`file=@${name}`)}`];
    if (scanning()) {
      imports.push("ScanApi");
      callLines = [`    found = ScanApi(client).scan_multipart(${py(name)})`];
    } else {
      imports.push("DecodeBarcodeType", "RecognizeApi");
      const args = [`DecodeBarcodeType.${types.selectedOptions[0].dataset.sdk}`, py(name)];
      for (const select of extra()) {
        const enumName = select.name === "recognitionMode" ? "RecognitionMode" : "RecognitionImageKind";
        imports.push(enumName);
        const attr = select.name === "recognitionMode" ? "recognition_mode" : "recognition_image_kind";
        args.push(`${attr}=${enumName}.${select.selectedOptions[0].dataset.sdk}`);
      }
      callLines = ["    found = RecognizeApi(client).recognize_multipart(", ...args.map((a) => `        ${a},`), "    )"];
      fields.push(`-F barcodeType=${types.value}`, ...extra().map((s) => `-F ${s.name}=${s.value}`));
    }
    setCode("recognize-python", [
      ...pythonImport(imports),
      "",
      ...sdkConfig(apiHost),
      "with ApiClient(config) as client:",
      ...callLines,
      "for barcode in found.barcodes:",
      "    print(barcode.type, barcode.barcode_value, barcode.region)",
    ]);
    const operation = scanning() ? "scan-multipart" : "recognize-multipart";
    setCode("recognize-curl", [
      ...curlToken(origin),
      `curl -s ${apiHost}/barcode/${operation} \\`,
      '  -H "Authorization: Bearer $TOKEN" \\',
      ...fields.map((f, i) => `  ${f}${i < fields.length - 1 ? " \\" : ""}`),
    ]);
  }

  function draw(barcodes) {
    overlay.replaceChildren();
    overlay.setAttribute("viewBox", `0 0 ${image.naturalWidth} ${image.naturalHeight}`);
    const stroke = Math.max(2, Math.round(Math.max(image.naturalWidth, image.naturalHeight) / 200));
    barcodes.forEach((barcode, index) => {
      const points = (barcode.region || []).map((p) => `${p.x},${p.y}`).join(" ");
      if (!points) return;
      const shape = document.createElementNS(SVG_NS, "polygon");
      shape.setAttribute("points", points);
      shape.setAttribute("stroke-width", stroke);
      shape.classList.add("pg-region");
      const label = document.createElementNS(SVG_NS, "text");
      const first = barcode.region[0];
      label.setAttribute("x", first.x);
      label.setAttribute("y", Math.max(first.y - stroke * 2, stroke * 8));
      label.setAttribute("font-size", stroke * 8);
      label.classList.add("pg-region-label");
      label.textContent = String(index + 1);
      overlay.append(shape, label);
    });
    overlay.removeAttribute("hidden"); // an SVG element has no hidden property
  }

  function list(barcodes) {
    found.replaceChildren(
      ...barcodes.map((barcode) => {
        const item = document.createElement("li");
        const kind = document.createElement("span");
        kind.className = "tag";
        kind.textContent = barcode.type;
        const value = document.createElement("code");
        value.textContent = barcode.barcodeValue;
        item.append(kind, " ", value);
        if (barcode.checksum) item.append(` (checksum ${barcode.checksum})`);
        return item;
      }),
    );
  }

  async function read() {
    snippets();
    showError(generalError, "");
    showError(typeError, "");
    types.removeAttribute("aria-invalid");
    if (!file) return;
    const number = ++sent;
    if (file.size > maxBytes) {
      showError(generalError, `the image is larger than the limit of ${maxBytes} bytes`);
      return;
    }
    const body = new FormData();
    body.append("file", file, file.name);
    if (!scanning()) {
      body.append("barcodeType", types.value);
      for (const select of extra()) body.append(select.name, select.value);
    }
    status.textContent = "Reading…";
    found.replaceChildren();
    overlay.setAttribute("hidden", "");
    try {
      const response = await call(scanning() ? "/playground/scan" : "/playground/recognize", body);
      const answer = await response.json();
      if (number !== sent) return;
      const barcodes = answer.barcodes || [];
      if (!image.complete) await new Promise((done) => image.addEventListener("load", done, { once: true }));
      draw(barcodes);
      list(barcodes);
      status.textContent = barcodes.length === 1 ? "1 barcode found" : `${barcodes.length} barcodes found`;
    } catch (error) {
      if (number !== sent) return;
      status.textContent = "";
      if (/barcodeType/.test(error.message)) {
        types.setAttribute("aria-invalid", "true");
        showError(typeError, error.message);
      } else {
        showError(generalError, error.message);
      }
    }
  }

  function use(chosenFile) {
    if (!chosenFile) return;
    file = chosenFile;
    if (image.src) URL.revokeObjectURL(image.src);
    image.src = URL.createObjectURL(file);
    image.alt = `The image being read: ${file.name}`;
    image.hidden = false;
    overlay.setAttribute("hidden", "");
    placeholder.hidden = true;
    read();
  }

  for (const input of inputs) input.addEventListener("change", () => use(input.files[0]));
  drop.addEventListener("dragover", (event) => { event.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    use(event.dataTransfer.files[0]);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "operation") options.hidden = scanning();
    if (!inputs.includes(event.target)) read();
  });
  form.addEventListener("submit", (event) => event.preventDefault());
  document.addEventListener("playground:image", (event) => {
    use(event.detail);
    section.scrollIntoView({ behavior: "smooth", block: "start" });
  });
  snippets();
}

setUpGenerate(document.getElementById("generate"));
setUpRecognize(document.getElementById("recognize"));
