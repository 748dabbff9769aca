/** The console's stylesheet, served as a file (the CSP allows no inline style). */
export const CONSOLE_CSS = `
:root { --fg: #1d2330; --muted: #5d6677; --line: #d9dee7; --bg: #f6f7f9; --accent: #2456c7; --ok: #1b7f4b; --bad: #b3261e; --warn: #8a5a00; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg); background: var(--bg); }
header { display: flex; gap: 18px; align-items: center; padding: 10px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header .brand { font-weight: 700; margin-right: 12px; }
header nav a { color: var(--fg); text-decoration: none; padding: 6px 8px; border-radius: 6px; }
header nav a.current { background: var(--bg); font-weight: 600; }
header .who { margin-left: auto; color: var(--muted); display: flex; gap: 10px; align-items: center; }
main { max-width: 1100px; margin: 24px auto; padding: 0 24px; }
h1 { font-size: 22px; margin: 0 0 16px; } h2 { font-size: 17px; margin: 24px 0 10px; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin-bottom: 14px; }
.muted { color: var(--muted); } .small { font-size: 13px; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); border-radius: 10px; overflow: hidden; }
th, td { text-align: left; padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; font-size: 14px; }
th { background: #fafbfc; font-weight: 600; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #eef1f6; }
.status.access_granted { background: #dff3e7; color: var(--ok); } .status.approval_pending { background: #fff1d6; color: var(--warn); }
.status.access_denied, .status.failed { background: #fde4e2; color: var(--bad); }
form.inline { display: inline-flex; gap: 6px; align-items: center; margin: 4px 8px 4px 0; }
label { display: block; font-weight: 600; margin: 10px 0 4px; } label.check { font-weight: 400; }
input[type=text], input[type=number], select, textarea { width: 100%; max-width: 520px; padding: 7px 9px; border: 1px solid var(--line); border-radius: 6px; font: inherit; }
form.inline input[type=text] { width: 220px; }
textarea { min-height: 80px; }
button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); } button.danger { background: var(--bad); border-color: var(--bad); }
.error { background: #fde4e2; border: 1px solid #f3b8b3; color: #7a1c16; padding: 10px 14px; border-radius: 8px; margin-bottom: 14px; }
.notice { background: #dff3e7; border: 1px solid #b5e0c6; padding: 10px 14px; border-radius: 8px; margin-bottom: 14px; }
.secret { font-family: ui-monospace, "DejaVu Sans Mono", monospace; background: #fff8db; padding: 8px; border-radius: 6px; word-break: break-all; }
pre, code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
pre { background: #f3f5f8; padding: 10px; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; }
ol.timeline { list-style: none; padding: 0; margin: 0; border-left: 2px solid var(--line); }
ol.timeline li { padding: 4px 0 10px 14px; position: relative; }
ol.timeline li::before { content: ""; position: absolute; left: -6px; top: 10px; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.narrow { max-width: 460px; }
.providers a { display: block; margin: 8px 0; padding: 10px 14px; border: 1px solid var(--line); border-radius: 8px; background: #fff; text-decoration: none; color: var(--fg); font-weight: 600; }
.entries a { margin-right: 10px; }
ul.approvals { list-style: none; padding: 0; margin: 0; } ul.approvals li { padding: 4px 0; }
ul.approvals .met { color: var(--ok); font-weight: 600; } ul.approvals .waiting { color: var(--warn); font-weight: 600; }
`;
