#include "web/style.h"

#include <string>

#include "web/html.h"

namespace csu::web {

namespace {

// The sticky columns' offsets and widths, one class per whole rem
// (html.h, StickyColumn): the CSP forbids style attributes, so a cell names
// its offset and width by class.
std::string StickyClasses() {
  std::string css;
  for (int n = 0; n <= kMaxStickyRem; ++n) {
    const std::string rem = std::to_string(n) + (n == 0 ? "" : "rem");
    css += ".l-" + std::to_string(n) + "{left:" + rem + "}.w-" + std::to_string(n) + "{width:" + rem +
           ";min-width:" + rem + ";max-width:" + rem + "}\n";
  }
  return css;
}

constexpr std::string_view kBase = R"css(*{box-sizing:border-box}
html{font-family:Arial,"Helvetica Neue",Helvetica,sans-serif;color:#212b32;background:#f0f4f5;line-height:1.45}
body{margin:0}
a{color:#005eb8}
a:visited{color:#330072}
a:hover{color:#7c2855}
:focus{outline:3px solid #ffeb3b;outline-offset:0;box-shadow:0 -2px #ffeb3b,0 4px #212b32}
.skip{position:absolute;left:-9999px}
.skip:focus{left:8px;top:8px;background:#ffeb3b;color:#212b32;padding:8px;z-index:2}
header.top{background:#005eb8;color:#fff;display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;padding:12px 24px;gap:8px}
header.top .brand{color:#fff;font-weight:700;font-size:1.4rem;text-decoration:none}
header.top .who{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
header.top .who a{color:#fff;text-decoration:underline}
header.top .role{background:#003087;border-radius:3px;padding:2px 6px;font-size:.85rem}
header.top form{margin:0}
header.top button{background:#fff;color:#005eb8;border:0;border-radius:3px;padding:6px 12px;font-weight:700;cursor:pointer}
nav{background:#fff;border-bottom:1px solid #d8dde0}
nav ul{list-style:none;margin:0;padding:0 16px;display:flex;flex-wrap:wrap}
nav a{display:block;padding:12px 10px;text-decoration:none;font-weight:700}
nav a[aria-current=page]{border-bottom:4px solid #005eb8;color:#212b32}
main{max-width:1400px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:1.9rem;margin:8px 0 4px}
h2{font-size:1.35rem;margin:28px 0 8px}
.subtitle{color:#4c6272;margin:0 0 16px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:16px;margin:16px 0}
.card{background:#fff;border:1px solid #d8dde0;border-radius:4px;padding:16px}
.card .label{color:#4c6272;font-size:.9rem;margin:0}
.card .value{font-size:1.6rem;font-weight:700;margin:4px 0 0}
.card .detail{font-size:.9rem;margin:4px 0 0}
.over{color:#b3261e}
.under{color:#007f3b}
.panel{background:#fff;border:1px solid #d8dde0;border-radius:4px;padding:16px;margin:16px 0}
.panel[role=status]{border-left:6px solid #007f3b}
.panel>p:only-child,.error>p:only-child{margin:0}
.panel.once{border-left:6px solid #005eb8}
.once h2{margin-top:0}
.once dt{font-weight:700;margin:8px 0 2px}
.once dd{margin:0}
code.secret{display:inline-block;max-width:100%;font-family:"Courier New",monospace;font-size:1rem;background:#f0f4f5;border:1px solid #d8dde0;padding:4px 8px;word-break:break-all;user-select:all}
.table-wrap{overflow-x:auto;background:#fff;border:1px solid #d8dde0;border-radius:4px;margin:12px 0}
table{border-collapse:collapse;width:100%;font-size:.92rem}
caption{text-align:left;font-weight:700;padding:10px 12px}
th,td{padding:6px 8px;border-bottom:1px solid #e8edee;text-align:left;white-space:nowrap}
thead th{background:#e8edee;position:sticky;top:0;z-index:2;white-space:normal;vertical-align:bottom}
td.prose{white-space:normal;min-width:18rem;max-width:34rem}
tbody tr:nth-child(even){background:#f8fafa}
tfoot th,tfoot td{font-weight:700;border-top:2px solid #212b32}
.table-wrap.scroll{overflow:auto;max-height:75vh}
.vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.table-title{font-weight:700;margin:12px 0 0}
.stick{position:sticky;z-index:1;background:#fff;overflow:hidden;text-overflow:ellipsis}
tbody tr:nth-child(even) .stick{background:#f8fafa}
thead th.stick{z-index:3;background:#e8edee;white-space:normal}
.stick-last{box-shadow:inset -2px 0 0 #d8dde0}
tfoot .stick{background:#fff}
thead a.sort{color:#212b32;text-decoration:underline;display:block}
thead a.sort:hover{color:#7c2855}
thead th[aria-sort] a.sort{color:#005eb8}
.table-count{margin:8px 0 0;font-size:.92rem}
.pager p{display:flex;gap:16px;align-items:baseline;margin:8px 0}
.num{text-align:right;font-variant-numeric:tabular-nums}
details summary{cursor:pointer;color:#005eb8;text-decoration:underline}
pre.why{font-family:"Courier New",monospace;font-size:.85rem;margin:6px 0;white-space:pre;text-align:left}
.rag{display:inline-block;min-width:4.2em;text-align:center;border-radius:3px;padding:0 6px;font-weight:700}
.rag-red{background:#d5281b;color:#fff}
.rag-amber{background:#ffb81c;color:#212b32}
.rag-green{background:#007f3b;color:#fff}
.note{color:#4c6272;font-size:.88rem;margin:4px 0}
.actions{display:flex;flex-wrap:wrap;gap:12px;align-items:center;margin:12px 0}
.button,button.primary{display:inline-block;background:#007f3b;color:#fff;border:0;border-radius:4px;padding:8px 14px;font-weight:700;text-decoration:none;font-size:1rem;cursor:pointer}
.button.secondary{background:#fff;color:#005eb8;border:2px solid #005eb8}
form.filters,div.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-end}
label{display:block;font-weight:700;margin:0 0 4px}
input,select{font-size:1rem;padding:6px 8px;border:2px solid #4c6272;border-radius:0;min-width:8rem}
input[type=checkbox]{min-width:0;width:1.1rem;height:1.1rem;padding:0;margin:0 4px 0 0;vertical-align:middle}
.signin{max-width:28rem;background:#fff;border:1px solid #d8dde0;border-radius:4px;padding:24px;margin:24px 0}
.signin div{margin:0 0 16px}
.signin input{width:100%}
.error{border-left:6px solid #d5281b;background:#fff;padding:12px 16px;margin:12px 0}
.chart svg{max-width:100%;height:auto}
figure{margin:16px 0}figure.bars svg{max-width:100%;height:auto;background:#fff;border:1px solid #d8dde0;border-radius:4px;padding:8px}
figure.matrix figcaption{font-weight:700;margin:0 0 6px}table.matrix td,table.matrix th{padding:4px 8px;text-align:right}table.matrix th[scope=row],table.matrix thead th:first-child{text-align:left}
.heat-0{background:#fff}.heat-1{background:#e8f1fa}.heat-2{background:#d1e3f5}.heat-3{background:#b9d5ef}.heat-4{background:#a2c6ea}
.heat-5{background:#7fb0de}.heat-6{background:#4a8fd0;color:#fff}.heat-7{background:#2a78c2;color:#fff}.heat-8{background:#0f66b8;color:#fff}.heat-9{background:#005eb8;color:#fff}
footer{color:#4c6272;font-size:.85rem;text-align:center;padding:24px}
@media (max-width:640px){main{padding:12px}h1{font-size:1.5rem}.card .value{font-size:1.3rem}}
@media print{header.top,nav,footer,.skip,.no-print,form{display:none}html{background:#fff}main{padding:0}.table-wrap,.table-wrap.scroll{overflow:visible;max-height:none;border:0}pre.why{white-space:pre-wrap}td,th{white-space:normal}h3{break-after:avoid}}
)css";

}  // namespace

std::string_view StyleSheet() {
  // On a phone 30 rem of sticky columns would fill the screen: there they
  // scroll with the rest (the heading row still stays in view).
  static const std::string sheet =
      std::string(kBase) + StickyClasses() +
      "@media (max-width:640px){.table-wrap .stick{left:auto;width:auto;min-width:0;max-width:none}}\n";
  return sheet;
}

}  // namespace csu::web
