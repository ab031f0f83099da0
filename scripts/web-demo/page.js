/* global document, fetch */
// The web demo's page: a message box with Discord's suggestions as you type (subcommands, options, the
// commands' autocomplete), and replies drawn as Discord draws them. Buttons and menus post their custom_id
// back; the demo process runs the real handlers (scripts/demo-web.ts).
const input = document.querySelector('#line');
const list = document.querySelector('#messages');
const popup = document.querySelector('#suggest');
let commands = [];
/** The visitor's Discord id: mentions of it read "@you". */
let you = '';
/** Values picked from autocomplete, by option: the box shows the name, the command gets the value. */
let picks = {};
let suggestion = { items: [], active: -1 };
let typed = 0;

async function post(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(await res.text());
  return res.json();
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- the message box -------------------------------------------------------------------------------------

/** Where the caret is in a `/alex sub name:value …` line, and what Discord would suggest there. */
function focusOf(line) {
  if (!line.startsWith('/')) return null;
  if (!/^\/alex\s/.test(line)) return '/alex'.startsWith(line) ? { kind: 'root' } : null;
  const rest = line.slice(6).replace(/^\s+/, '');
  const sub = /^\S*/.exec(rest)[0];
  if (rest.length === sub.length) return { kind: 'subcommand', text: sub };
  const command = commands.find((c) => c.name === sub.toLowerCase());
  if (!command) return null;
  const argsText = rest.slice(sub.length);
  const markers = [...argsText.matchAll(/(?:^|\s)([a-z_]+):/g)].filter((m) =>
    command.options.some((o) => o.name === m[1]),
  );
  const given = markers.map((m) => m[1]);
  const last = markers.at(-1);
  const value = last ? argsText.slice(last.index + last[0].length) : '';
  const option = last && command.options.find((o) => o.name === last[1]);
  const settled =
    value.endsWith(' ') && (picks[option?.name]?.name === value.trim() || !option?.autocomplete);
  if (!option || settled) {
    const word = /\S*$/.exec(argsText)[0];
    return { kind: 'options', command, given, word: option ? '' : word };
  }
  const args = {};
  markers.slice(0, -1).forEach((m, i) => {
    const end = markers[i + 1].index;
    const text = argsText.slice(m.index + m[0].length, end).trim();
    args[m[1]] = picks[m[1]]?.name === text ? picks[m[1]].value : text;
  });
  return { kind: 'value', command, option, text: value, args };
}

async function suggestionsFor(focus) {
  if (!focus) return [];
  if (focus.kind === 'root') return [{ label: '/alex', hint: 'Autoalex', fill: () => '/alex ' }];
  if (focus.kind === 'subcommand') {
    return commands
      .filter((c) => c.name.startsWith(focus.text.toLowerCase()))
      .map((c) => ({
        label: `/alex ${c.name}`,
        hint: c.description,
        fill: () => {
          const first = c.options.find((o) => o.required);
          return `/alex ${c.name} ${first ? `${first.name}:` : ''}`;
        },
      }));
  }
  if (focus.kind === 'options') {
    return focus.command.options
      .filter((o) => !focus.given.includes(o.name) && o.name.startsWith(focus.word))
      .map((o) => ({
        label: o.name,
        hint: o.description,
        optional: true,
        fill: (line) => `${line.slice(0, line.length - focus.word.length)}${o.name}:`,
      }));
  }
  const { command, option, text, args } = focus;
  if (!option.autocomplete && option.choices.length === 0)
    return [{ label: option.name, hint: option.description, optional: true, fill: (line) => line }];
  const q = text.trim().toLowerCase();
  const { choices } = option.autocomplete
    ? await post('/api/complete', { command: command.name, option: option.name, text, args })
    : {
        choices: option.choices
          .filter((c) => c.name.toLowerCase().includes(q))
          .map((c) => ({ name: c.name, value: String(c.value) })),
      };
  return choices.map((c) => ({
    label: c.name,
    fill: (line) => {
      picks[option.name] = { name: c.name, value: c.value };
      return `${line.slice(0, line.length - text.length)}${c.name} `;
    },
  }));
}

async function refreshSuggestions() {
  const mine = ++typed;
  const items = await suggestionsFor(focusOf(input.value)).catch(() => []);
  if (mine !== typed) return; // a later keystroke answers instead
  suggestion = { items, active: items.length > 0 && !items[0].optional ? 0 : -1 };
  drawSuggestions();
}

function drawSuggestions() {
  popup.replaceChildren();
  popup.hidden = suggestion.items.length === 0;
  if (popup.hidden) return;
  const focus = focusOf(input.value);
  const title = focus?.kind === 'value' ? focus.option.name : 'Autoalex';
  popup.append(el('li', 'title', title));
  suggestion.items.forEach((item, i) => {
    const li = el('li', `choice${i === suggestion.active ? ' active' : ''}`, item.label);
    li.setAttribute('role', 'option');
    if (item.hint) li.append(el('span', 'hint', item.hint));
    li.addEventListener('mousedown', (event) => {
      event.preventDefault();
      choose(item);
    });
    popup.append(li);
  });
  popup.querySelector('.active')?.scrollIntoView({ block: 'nearest' });
}

function choose(item) {
  input.value = item.fill(input.value);
  input.focus();
  void refreshSuggestions();
}

input.addEventListener('input', () => void refreshSuggestions());
input.addEventListener('focus', () => void refreshSuggestions());
input.addEventListener('keydown', (event) => {
  const { items, active } = suggestion;
  if (!popup.hidden && (event.key === 'ArrowDown' || event.key === 'ArrowUp')) {
    event.preventDefault();
    const step = event.key === 'ArrowDown' ? 1 : -1;
    suggestion.active = (active + step + items.length) % items.length;
    drawSuggestions();
  } else if (!popup.hidden && active >= 0 && (event.key === 'Enter' || event.key === 'Tab')) {
    event.preventDefault();
    choose(items[active]);
  } else if (event.key === 'Escape') {
    popup.hidden = true;
  } else if (event.key === 'Enter' && input.value.trim()) {
    event.preventDefault();
    void send(input.value.trim());
  }
});

async function send(line) {
  const sent = picks;
  picks = {};
  input.value = '';
  popup.hidden = true;
  const waiting = addThinking(line);
  try {
    const { message } = await post('/api/run', { line, picks: sent });
    waiting.replaceWith(renderMessage(message, line));
  } catch (error) {
    waiting.replaceWith(
      renderMessage({ content: `The demo failed: ${error.message}`, ephemeral: true }, line),
    );
  }
  list.scrollTop = list.scrollHeight;
}

function addThinking(line) {
  const node = renderMessage({ content: '' }, line);
  node.querySelector('.body').append(el('div', 'thinking', 'Autoalex is thinking…'));
  list.append(node);
  list.scrollTop = list.scrollHeight;
  return node;
}

// ---- replies ---------------------------------------------------------------------------------------------

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Discord's basic markdown: code, bold, italics, underline, strikethrough, quotes, links shown as text. */
function markdown(text) {
  const codes = [];
  const keep = (html) => `\u0000${codes.push(html) - 1}\u0000`;
  let html = escapeHtml(text)
    .replace(/```(?:\w*\n)?([\s\S]*?)```/g, (_, code) => keep(`<pre><code>${code}</code></pre>`))
    .replace(/`([^`]+)`/g, (_, code) => keep(`<code>${code}</code>`))
    .replace(/\\([\\*_~`|[\]#&gt;-])/g, (_, c) => keep(c))
    .replace(/\[([^\]]+)\]\((?:&#60;)?(https?:[^)\s]+?)(?:&#62;)?\)/g, '<span class="link">$1</span>')
    .replace(/\*\*([\s\S]+?)\*\*/g, '<strong>$1</strong>')
    .replace(/__([\s\S]+?)__/g, '<u>$1</u>')
    .replace(/~~([\s\S]+?)~~/g, '<s>$1</s>')
    .replace(/(^|[^\w*])\*([^*\n]+)\*/g, '$1<em>$2</em>')
    .replace(/(^|\W)_([^_\n]+)_(?=\W|$)/g, '$1<em>$2</em>')
    .replace(
      /&#60;@!?(\d+)&#62;/g,
      (_, id) => `<span class="mention">@${id === you ? 'you' : 'member'}</span>`,
    )
    .replace(/^-# (.*)$/gm, '<small class="subtext">$1</small>')
    .replace(/^&#62; (.*)$/gm, '<blockquote>$1</blockquote>')
    .replace(/^#{1,3} (.*)$/gm, '<strong>$1</strong>');
  for (let i = codes.length - 1; i >= 0; i--) html = html.replace(`\u0000${i}\u0000`, () => codes[i]);
  return html;
}

function md(tag, className, text) {
  const node = el(tag, className);
  node.innerHTML = markdown(text);
  return node;
}

function renderEmbed(embed, fileUrl) {
  const box = el('div', 'embed');
  if (embed.color !== undefined) box.style.borderLeftColor = `#${embed.color.toString(16).padStart(6, '0')}`;
  if (embed.author?.name) box.append(el('div', 'author-line', embed.author.name));
  if (embed.title) box.append(md('div', 'title', embed.title));
  if (embed.description) box.append(md('div', 'description', embed.description));
  if (embed.fields?.length) {
    const fields = el('div', 'fields');
    for (const field of embed.fields) {
      const node = el('div', `field${field.inline ? ' inline' : ''}`);
      node.append(md('div', 'name', field.name), md('div', 'value', field.value));
      fields.append(node);
    }
    box.append(fields);
  }
  if (embed.thumbnail?.url) box.append(image(fileUrl(embed.thumbnail.url), 'thumbnail'));
  if (embed.image?.url) box.append(image(fileUrl(embed.image.url), 'image'));
  const footer = [embed.footer?.text, embed.timestamp && new Date(embed.timestamp).toLocaleString()];
  if (footer.some(Boolean)) box.append(el('div', 'footer', footer.filter(Boolean).join(' • ')));
  return box;
}

function image(src, className, alt = '') {
  const img = el('img', className);
  img.src = src;
  img.alt = alt;
  return img;
}

function renderComponents(message) {
  return (message.components ?? []).map((row) => {
    const node = el('div', 'row');
    for (const c of row.components) {
      if (c.type === 2) node.append(renderButton(message, c));
      else if (c.type === 3) node.append(renderSelect(message, c));
    }
    return node;
  });
}

function renderButton(message, c) {
  const label = `${c.emoji?.name ? `${c.emoji.name} ` : ''}${c.label ?? ''}`;
  if (c.style === 5) {
    const a = el('a', 'btn s5', `${label} ↗`);
    a.href = c.url;
    a.target = '_blank';
    return a;
  }
  const button = el('button', `btn s${c.style}`, label);
  button.disabled = !!c.disabled;
  button.addEventListener('click', () => void press(message, c.custom_id, []));
  return button;
}

function renderSelect(message, c) {
  const box = el('div', 'select');
  const chosen = c.options.filter((o) => o.default).map((o) => o.label);
  const toggle = el('button', '', chosen.join(', ') || c.placeholder || 'Make a selection');
  toggle.disabled = !!c.disabled;
  const menu = el('ul');
  menu.hidden = true;
  for (const option of c.options) {
    const li = el('li', '', `${option.emoji?.name ? `${option.emoji.name} ` : ''}${option.label}`);
    li.setAttribute('role', 'option');
    if (option.description) li.append(el('small', '', option.description));
    li.addEventListener('click', () => {
      menu.hidden = true;
      void press(message, c.custom_id, [option.value]);
    });
    menu.append(li);
  }
  toggle.addEventListener('click', () => (menu.hidden = !menu.hidden));
  box.append(toggle, menu);
  return box;
}

/** A message from the bot; `line` is the command it answers (Discord's "used /alex …" header). */
function renderMessage(message, line) {
  const node = el('article', 'message');
  node.dataset.id = message.id ?? '';
  if (line) {
    const used = el('div', 'used', 'used ');
    used.append(el('code', '', line));
    node.append(used);
  }
  const body = el('div', 'body');
  const head = el('div');
  head.append(el('span', 'author', 'Autoalex'), el('span', 'tag', 'APP'));
  body.append(head);
  if (message.content) body.append(md('div', 'content', message.content));
  const files = message.files ?? [];
  const fileUrl = (url) => files.find((f) => `attachment://${f.name}` === url)?.url ?? url;
  const shown = new Set();
  for (const embed of message.embeds ?? []) {
    for (const u of [embed.image?.url, embed.thumbnail?.url]) if (u) shown.add(u);
    body.append(renderEmbed(embed, fileUrl));
  }
  for (const file of files.filter((f) => !shown.has(`attachment://${f.name}`))) {
    if (/\.png$/i.test(file.name)) body.append(image(file.url, 'attachment', file.description));
    else if (/\.mp3$/i.test(file.name)) {
      const audio = el('audio', 'attachment');
      audio.controls = true;
      audio.src = file.url;
      body.append(audio);
    } else {
      const a = el('a', 'link', `📎 ${file.name}`);
      a.href = file.url;
      a.download = file.name;
      body.append(el('div'), a);
    }
  }
  body.append(...renderComponents(message));
  if (message.ephemeral) body.append(el('div', 'ephemeral', '👁 Only you can see this'));
  node.append(el('div', 'avatar', 'A'), body);
  return node;
}

/** A button press or menu choice: the handler edits this message, or answers with a new one. */
async function press(message, customId, values) {
  const node = list.querySelector(`article[data-id="${message.id}"]`);
  node?.classList.add('busy');
  try {
    const result = await post('/api/component', { messageId: message.id, customId, values });
    if (result.update)
      node?.replaceWith(renderMessage(result.update, node.querySelector('.used code')?.textContent));
    if (result.reply) list.append(renderMessage(result.reply));
  } catch (error) {
    list.append(renderMessage({ content: `The demo failed: ${error.message}`, ephemeral: true }));
  } finally {
    node?.classList.remove('busy');
  }
  list.scrollTop = list.scrollHeight;
}

// A click anywhere else closes an open menu, as in Discord.
document.addEventListener('click', (event) => {
  for (const menu of document.querySelectorAll('.select ul:not([hidden])'))
    if (!menu.parentElement.contains(event.target)) menu.hidden = true;
});

void fetch('/api/commands')
  .then((res) => res.json())
  .then((answer) => {
    ({ commands, you } = answer);
    input.focus();
  });
