/** A corpus of XSS payloads, fed through every field editors write. */
export const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '<svg onload=alert(1)><circle r="1"/></svg>',
  '[bấm vào đây](javascript:alert(1))',
  '<a href="javascript:alert(1)">link</a>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
  '<iframe src="https://evil.example/"></iframe>',
  '<img src="x" onerror="alert(1)">',
  '![x](javascript:alert(1))',
  '<body onload=alert(1)>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<div style="background:url(javascript:alert(1))">css</div>',
  "'';!--\"<XSS>=&{()}",
];
