/* Block Kit and mrkdwn rendering for the sandbox page. Plain JS, no build step.
 * Everything that comes from the bot is escaped before it reaches innerHTML. */
"use strict";

const Blocks = (() => {
  const EMOJI = {
    warning: "⚠️", white_check_mark: "✅", heavy_check_mark: "✔️", x: "❌", red_circle: "🔴",
    large_green_circle: "🟢", large_yellow_circle: "🟡", triangular_flag_on_post: "🚩",
    chart_with_upwards_trend: "📈", chart_with_downwards_trend: "📉", bar_chart: "📊",
    calendar: "📅", date: "📅", bell: "🔔", memo: "📝", moneybag: "💰", trophy: "🏆",
    hourglass: "⌛", hourglass_flowing_sand: "⏳", wave: "👋", point_right: "👉", bulb: "💡",
    zzz: "💤", clipboard: "📋", busts_in_silhouette: "👥", bust_in_silhouette: "👤",
    handshake: "🤝", fire: "🔥", rocket: "🚀", tada: "🎉", question: "❓", heavy_plus_sign: "➕",
    arrow_right: "➡️", mag: "🔍", lock: "🔒", gear: "⚙️", star: "⭐", pushpin: "📌",
  };

  // Words the Slack client itself draws (not the app): in the viewer's language, as Slack does.
  const CLIENT = {
    en: { select: "Select…", optional: "(optional)" },
    zh: { select: "选择…", optional: "（可选）" },
  };
  let clientLang = "en";
  function setLocale(locale) {
    clientLang = String(locale || "").toLowerCase().startsWith("zh") ? "zh" : "en";
  }
  function client(key) {
    return CLIENT[clientLang][key];
  }

  function esc(s) {
    return String(s == null ? "" : s)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function unslack(s) { // Slack's own escapes in message text
    return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }

  function emoji(html) {
    return html.replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
  }

  function safeUrl(url) {
    return /^(https?:|mailto:)/i.test(url) ? url : null;
  }

  function inline(seg) { // escaped text -> formatted html (no code inside)
    let h = esc(unslack(seg));
    h = h.replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?=[^\w*]|$)/g, "$1<b>$2</b>");
    h = h.replace(/(^|[^\w_])_(?!\s)([^_\n]+?)_(?=[^\w_]|$)/g, "$1<i>$2</i>");
    h = h.replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?=[^\w~]|$)/g, "$1<s>$2</s>");
    return emoji(h);
  }

  function special(inner, ctx) { // the part between < and >
    const bar = inner.indexOf("|");
    const target = bar >= 0 ? inner.slice(0, bar) : inner;
    const label = bar >= 0 ? inner.slice(bar + 1) : null;
    if (target.startsWith("@")) {
      const u = (ctx.users || {})[target.slice(1)];
      const name = label || (u ? (u.real_name || u.name) : target.slice(1));
      return `<span class="mention">@${esc(name)}</span>`;
    }
    if (target.startsWith("#")) {
      const c = (ctx.channels || {})[target.slice(1)];
      return `<span class="mention">#${esc(label || c || target.slice(1))}</span>`;
    }
    if (target.startsWith("!")) {
      if (target.startsWith("!date")) return esc(unslack(label || ""));
      return `<span class="mention">@${esc(target.slice(1).split("^")[0])}</span>`;
    }
    const url = safeUrl(unslack(target));
    const text = esc(unslack(label || target));
    return url ? `<a href="${esc(url)}" target="_blank" rel="noopener">${text}</a>` : text;
  }

  function formatPlain(seg, ctx) { // text outside code: <...> specials, then inline formatting
    // Specials stand in as placeholders while *bold* / _italic_ / ~strike~ are found, so formatting
    // may span a mention or a link, as in Slack ("*<@U1>'s plan*" is bold).
    const specials = [];
    const held = seg.replace(/<([^<>\n]+)>/g, (m, inner) => `\u0001${specials.push(special(inner, ctx)) - 1}\u0001`);
    return inline(held).replace(/\u0001(\d+)\u0001/g, (m, i) => specials[Number(i)]);
  }

  function mrkdwn(text, ctx) {
    text = String(text == null ? "" : text);
    let out = "", last = 0;
    const re = /```([\s\S]*?)```|`([^`\n]+)`/g;
    let m;
    while ((m = re.exec(text))) {
      out += formatPlain(text.slice(last, m.index), ctx || {});
      out += m[1] != null ? `<pre>${esc(unslack(m[1]))}</pre>` : `<code>${esc(unslack(m[2]))}</code>`;
      last = m.index + m[0].length;
    }
    out += formatPlain(text.slice(last), ctx || {});
    // block quotes, then line breaks
    out = out.split("\n").map((line) => line.startsWith("&gt; ")
      ? `<blockquote>${line.slice(5)}</blockquote>` : line).join("\n");
    return out.replace(/\n/g, "<br>").replace(/<\/blockquote><br>/g, "</blockquote>");
  }

  function textHtml(obj, ctx) { // a text object -> html
    if (!obj) return "";
    if (typeof obj === "string") return mrkdwn(obj, ctx);
    if (obj.type === "mrkdwn") return mrkdwn(obj.text, ctx);
    return emoji(esc(obj.text)).replace(/\n/g, "<br>");
  }

  function plain(obj) { return obj ? (typeof obj === "string" ? obj : obj.text || "") : ""; }

  function h(tag, attrs, html) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v == null || v === false) continue;
      if (k === "className") el.className = v; else el.setAttribute(k, v === true ? "" : v);
    }
    if (html != null) el.innerHTML = html;
    return el;
  }

  function allOptions(el) {
    let opts = [...(el.options || [])];
    for (const g of el.option_groups || []) opts = opts.concat(g.options || []);
    return opts;
  }

  // -- interactive elements ------------------------------------------------------------------------
  function element(el, block, ctx, inInput) {
    const fire = (extra) => ctx.onAction && ctx.onAction(el, block, extra);
    const common = { "data-action-id": el.action_id || "", "data-block-id": block.block_id || "",
      "data-type": el.type };
    switch (el.type) {
      case "button": {
        const b = h("button", { ...common, type: "button", className: "btn " + (el.style || ""),
          "data-value": el.value }, textHtml(el.text, ctx));
        b.addEventListener("click", () => {
          if (el.url) window.open(el.url, "_blank", "noopener");
          if (el.confirm && !window.confirm(plain(el.confirm.title) + "\n\n" + plain(el.confirm.text))) return;
          fire({ value: el.value });
        });
        return b;
      }
      case "static_select": case "external_select": case "users_select":
      case "conversations_select": case "channels_select": case "multi_static_select": {
        const multi = el.type.startsWith("multi_");
        const s = h("select", { ...common, className: "el", multiple: multi });
        if (!multi) s.appendChild(h("option", { value: "" }, esc(plain(el.placeholder) || client("select"))));
        let opts = allOptions(el).map((o) => ({ value: o.value, text: plain(o.text) }));
        let initial = el.initial_option ? [el.initial_option.value] : (el.initial_options || []).map((o) => o.value);
        if (el.type === "users_select") {
          opts = Object.values(ctx.users || {}).map((u) => ({ value: u.id, text: u.real_name }));
          initial = el.initial_user ? [el.initial_user] : [];
        } else if (el.type === "conversations_select" || el.type === "channels_select") {
          // channels_select lists public channels; conversations_select what its filter includes
          const priv = ctx.privateChannels || new Set();
          const include = (el.filter && el.filter.include) || (el.type === "channels_select" ? ["public"] : ["public", "private"]);
          opts = Object.entries(ctx.channels || {})
            .filter(([id]) => include.includes(priv.has(id) ? "private" : "public"))
            .map(([id, name]) => ({ value: id, text: (priv.has(id) ? "🔒 " : "#") + name }));
          initial = [el.initial_conversation || el.initial_channel].filter(Boolean);
        }
        for (const o of opts) {
          s.appendChild(h("option", { value: o.value, selected: initial.includes(o.value) }, esc(o.text)));
        }
        if (!inInput || block.dispatch_action) {
          s.addEventListener("change", () => {
            if (s.value) fire({ selected: s.value });
          });
        }
        return s;
      }
      case "overflow": {
        const wrap = h("span", { className: "overflow" });
        const b = h("button", { ...common, type: "button", className: "btn", "aria-label": "More actions" }, "⋯");
        const menu = h("div", { className: "overflow-menu", hidden: true });
        for (const o of allOptions(el)) {
          const item = h("button", { type: "button", "data-value": o.value }, esc(plain(o.text)));
          item.addEventListener("click", () => { menu.hidden = true; fire({ selected: o.value }); });
          menu.appendChild(item);
        }
        b.addEventListener("click", () => { menu.hidden = !menu.hidden; });
        wrap.append(b, menu);
        return wrap;
      }
      case "datepicker": {
        const d = h("input", { ...common, type: "date", className: "el", value: el.initial_date || "" });
        if (!inInput || block.dispatch_action) d.addEventListener("change", () => fire({ selected_date: d.value }));
        return d;
      }
      case "timepicker":
        return h("input", { ...common, type: "time", className: "el", value: el.initial_time || "" });
      case "plain_text_input": case "email_text_input": case "url_text_input": case "number_input": {
        const tag = el.multiline ? "textarea" : "input";
        const i = h(tag, { ...common, className: "el", placeholder: plain(el.placeholder) || null,
          rows: el.multiline ? 3 : null, type: el.multiline ? null : "text",
          inputmode: el.type === "number_input" ? "decimal" : null });
        i.value = el.initial_value || "";
        return i;
      }
      case "checkboxes": case "radio_buttons": {
        const wrap = h("div", common);
        const initial = el.initial_option ? [el.initial_option.value] : (el.initial_options || []).map((o) => o.value);
        const name = (block.block_id || "") + "/" + (el.action_id || "");
        for (const o of el.options || []) {
          const lab = h("label", { className: "choice" });
          const inp = h("input", { type: el.type === "checkboxes" ? "checkbox" : "radio", name, value: o.value,
            checked: initial.includes(o.value) });
          if (!inInput) {
            inp.addEventListener("change", () => fire({ selected: o.value }));
          }
          lab.append(inp, " ");
          lab.insertAdjacentHTML("beforeend", textHtml(o.text, ctx));
          if (o.description) lab.insertAdjacentHTML("beforeend", ` <span class="hint">${textHtml(o.description, ctx)}</span>`);
          wrap.appendChild(lab);
        }
        return wrap;
      }
      case "image":
        return imageEl(el);
      default:
        return h("span", { className: "hint" }, `[${esc(el.type)}]`);
    }
  }

  function imageEl(el) {
    const url = safeUrl(el.image_url || "") || (el.image_url && el.image_url.startsWith("/") ? el.image_url : null);
    return url ? h("img", { src: url, alt: el.alt_text || "" }) : h("span", {}, esc(el.alt_text || ""));
  }

  // -- blocks ----------------------------------------------------------------------------------------
  function block(b, ctx) {
    const wrap = h("div", { className: `blk blk-${b.type}`, "data-block-id": b.block_id || "" });
    switch (b.type) {
      case "header":
        wrap.innerHTML = textHtml(b.text, ctx);
        break;
      case "section": {
        const st = h("div", { className: "stext" }, textHtml(b.text, ctx));
        if (b.fields && b.fields.length) {
          const f = h("div", { className: "fields" });
          for (const field of b.fields) f.appendChild(h("div", {}, textHtml(field, ctx)));
          st.appendChild(f);
        }
        wrap.appendChild(st);
        if (b.accessory) wrap.appendChild(element(b.accessory, b, ctx, false));
        break;
      }
      case "context":
        for (const e of b.elements || []) {
          wrap.appendChild(e.type === "image" ? imageEl(e) : h("span", {}, textHtml(e, ctx)));
        }
        break;
      case "divider":
        return h("hr", { className: "blk blk-divider" });
      case "image":
        if (b.title) wrap.appendChild(h("div", { className: "title" }, textHtml(b.title, ctx)));
        wrap.appendChild(imageEl(b));
        break;
      case "actions":
        for (const e of b.elements || []) wrap.appendChild(element(e, b, ctx, false));
        break;
      case "input":
        return inputBlock(b, ctx);
      case "rich_text":
        wrap.innerHTML = esc(richText(b));
        break;
      default:
        wrap.appendChild(h("span", { className: "hint" }, `[${esc(b.type)} block]`));
    }
    return wrap;
  }

  function richText(b) {
    const out = [];
    const walk = (n) => {
      if (!n) return;
      if (n.type === "text") out.push(n.text);
      else if (n.type === "user") out.push("@" + n.user_id);
      else if (n.type === "link") out.push(n.text || n.url);
      for (const c of n.elements || []) walk(c);
    };
    walk(b);
    return out.join("");
  }

  function inputBlock(b, ctx) {
    const wrap = h("div", { className: "input-block", "data-block-id": b.block_id || "" });
    const error = (ctx.errors || {})[b.block_id];
    if (error) wrap.classList.add("has-error");
    const lab = h("label", {}, textHtml(b.label, ctx));
    if (b.optional) lab.insertAdjacentHTML("beforeend", ` <span class="optional">${esc(client("optional"))}</span>`);
    wrap.appendChild(lab);
    const el = element(b.element || {}, b, ctx, true);
    el.dataset.input = "1";
    el.dataset.optional = b.optional ? "1" : "";
    wrap.appendChild(el);
    if (b.hint) wrap.appendChild(h("div", { className: "hint" }, textHtml(b.hint, ctx)));
    wrap.appendChild(h("div", { className: "err" }, error ? esc(error) : ""));
    return wrap;
  }

  function render(blocks, ctx) {
    const frag = document.createDocumentFragment();
    for (const b of blocks || []) frag.appendChild(block(b, ctx));
    return frag;
  }

  // -- reading what the user entered (for view_submission / state.values) ------------------------
  function valueOf(node) {
    const type = node.dataset.type;
    if (type === "checkboxes") return [...node.querySelectorAll("input:checked")].map((i) => i.value);
    if (type === "radio_buttons") { const c = node.querySelector("input:checked"); return c ? c.value : null; }
    if (node.multiple) return [...node.selectedOptions].map((o) => o.value);
    const v = node.value;
    return v === "" ? null : v;
  }

  function collect(root) {
    const values = {};
    for (const node of root.querySelectorAll("[data-type][data-block-id]")) {
      const bid = node.dataset.blockId;
      if (!bid || ["button", "overflow", "image"].includes(node.dataset.type)) continue;
      values[bid] = valueOf(node);
    }
    return values;
  }

  function restore(root, values) {
    for (const node of root.querySelectorAll("[data-type][data-block-id]")) {
      const v = values[node.dataset.blockId];
      if (v == null || ["button", "overflow", "image"].includes(node.dataset.type)) continue;
      const type = node.dataset.type;
      if (type === "checkboxes" || type === "radio_buttons") {
        const chosen = Array.isArray(v) ? v : [v];
        for (const i of node.querySelectorAll("input")) i.checked = chosen.includes(i.value);
      } else if (!node.multiple) {
        node.value = v;
      }
    }
  }

  function validate(root, blocks) { // what Slack's client checks before it sends view_submission
    const errors = {};
    for (const b of blocks || []) {
      if (b.type !== "input" || !b.block_id) continue;
      const node = root.querySelector(`[data-input][data-block-id="${CSS.escape(b.block_id)}"]`);
      if (!node) continue;
      const v = valueOf(node);
      const el = b.element || {};
      const empty = v == null || (Array.isArray(v) && !v.length) || (typeof v === "string" && !v.trim());
      if (empty) {
        if (!b.optional) errors[b.block_id] = "Please complete this required field.";
        continue;
      }
      if (el.type === "number_input") {
        const n = Number(String(v).trim());
        if (!Number.isFinite(n)) errors[b.block_id] = "Enter a number.";
        else if (!el.is_decimal_allowed && !Number.isInteger(n)) errors[b.block_id] = "Enter a whole number.";
        else if (el.min_value != null && n < Number(el.min_value)) errors[b.block_id] = `Enter a number of at least ${el.min_value}.`;
        else if (el.max_value != null && n > Number(el.max_value)) errors[b.block_id] = `Enter a number no more than ${el.max_value}.`;
      } else if (typeof v === "string") {
        if (el.min_length && v.length < el.min_length) errors[b.block_id] = `Enter at least ${el.min_length} characters.`;
        if (el.max_length && v.length > el.max_length) errors[b.block_id] = `Enter no more than ${el.max_length} characters.`;
      }
    }
    return errors;
  }

  return { render, mrkdwn, textHtml, plain, esc, collect, restore, validate, setLocale };
})();
