/** The portal's one stylesheet, served at /assets/portal.css (no inline styles, so CSP stays strict). */
export const STYLESHEET = `
*,*::before,*::after{box-sizing:border-box}
html{font-family:"Helvetica Neue",Arial,sans-serif;font-size:100%;color:#0b0c0c;background:#f3f2f1;line-height:1.5}
body{margin:0;background:#fff}
a{color:#1d70b8;text-decoration:underline;text-underline-offset:.1em}
a:visited{color:#4c2c92}
a:hover{color:#003078;text-decoration-thickness:3px}
a:focus,button:focus,input:focus,select:focus,summary:focus{outline:3px solid transparent;background-color:#fd0;box-shadow:0 -2px #fd0,0 4px #0b0c0c;color:#0b0c0c;text-decoration:none}
input:focus,select:focus{background:#fff;box-shadow:inset 0 0 0 2px #0b0c0c;outline:3px solid #fd0;outline-offset:0}
.skip-link{position:absolute;left:-9999px;padding:8px;background:#fd0;color:#0b0c0c}
.skip-link:focus{left:8px;top:8px;z-index:10}
.width{max-width:960px;margin:0 15px}
@media(min-width:990px){.width{margin:0 auto}}
.header{background:#0b0c0c;color:#fff;border-bottom:10px solid #1d70b8}
.header .width{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;padding:12px 0;gap:12px}
.header-name{color:#fff;font-weight:700;font-size:1.5rem;text-decoration:none}
.header-name:visited,.header-name:hover{color:#fff}
.header nav{display:flex;gap:18px;align-items:center;flex-wrap:wrap}
.header nav a,.header nav a:visited{color:#fff;font-weight:700}
.header nav form{margin:0}
.link-button{background:none;border:0;padding:0;font:inherit;color:#fff;font-weight:700;text-decoration:underline;cursor:pointer}
.banner{border-bottom:1px solid #b1b4b6;padding:8px 0;font-size:.95rem}
.tag{display:inline-block;padding:2px 8px;background:#1d70b8;color:#fff;font-weight:700;font-size:.85rem;letter-spacing:.02em;margin-right:8px;text-transform:uppercase}
.tag-grey{background:#505a5f}.tag-green{background:#00703c}.tag-red{background:#d4351c}.tag-yellow{background:#fd0;color:#0b0c0c}
main{padding:30px 0 60px;display:block}
h1{font-size:2.25rem;line-height:1.15;margin:0 0 30px}
h2{font-size:1.5rem;margin:40px 0 16px}
h3{font-size:1.2rem;margin:24px 0 12px}
p,li{font-size:1.1875rem;max-width:40em}
.lead{font-size:1.5rem}
.hint{color:#505a5f;font-size:1.1875rem;margin:0 0 10px;display:block}
.caption{color:#505a5f;font-size:1.2rem;display:block;margin-bottom:5px}
.form-group{margin-bottom:30px}
.form-group-error{border-left:5px solid #d4351c;padding-left:15px}
label,.label{display:block;font-weight:700;font-size:1.1875rem;margin-bottom:5px}
.error-message{display:block;color:#d4351c;font-weight:700;font-size:1.1875rem;margin-bottom:10px}
input[type=text],input[type=password],input[type=tel],input[type=search]{font:inherit;font-size:1.1875rem;padding:5px;border:2px solid #0b0c0c;border-radius:0;width:100%;max-width:24em;height:2.5rem}
input.input-error{border-color:#d4351c}
input.width-10{max-width:11ex;letter-spacing:.1em}
.button{font:inherit;font-size:1.1875rem;display:inline-block;padding:8px 12px 7px;border:2px solid transparent;border-radius:0;color:#fff;background:#00703c;box-shadow:0 2px 0 #002d18;cursor:pointer;text-decoration:none;margin:0 12px 22px 0;line-height:1.2}
.button:visited{color:#fff}
.button:hover{background:#005a30;color:#fff}
.button:focus{border-color:#fd0;outline:3px solid transparent;box-shadow:inset 0 0 0 1px #fd0;background:#fd0;color:#0b0c0c}
.button-secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
.button-secondary:visited,.button-secondary:hover{color:#0b0c0c;background:#dbdad9}
.button-warning{background:#d4351c;box-shadow:0 2px 0 #55150b}
.button-warning:hover{background:#aa2a16}
.button-group{display:flex;flex-wrap:wrap;align-items:baseline;gap:0 18px}
.error-summary{border:5px solid #d4351c;padding:20px;margin-bottom:30px}
.error-summary h2{margin-top:0;font-size:1.5rem}
.error-summary a{color:#d4351c;font-weight:700}
.notice{border:5px solid #1d70b8;margin-bottom:30px}
.notice-success{border-color:#00703c}
.notice h2{margin:0;padding:4px 20px 6px;background:#1d70b8;color:#fff;font-size:1.1875rem}
.notice-success h2{background:#00703c}
.notice p{margin:0;padding:15px 20px;font-weight:700}
.inset{border-left:10px solid #b1b4b6;padding:15px;margin:20px 0}
.warning-text{font-weight:700;display:flex;gap:12px;align-items:flex-start}
.warning-text::before{content:"!";flex:none;display:inline-flex;justify-content:center;align-items:center;width:35px;height:35px;border-radius:50%;background:#0b0c0c;color:#fff;font-size:1.5rem}
table{border-collapse:collapse;width:100%;margin-bottom:30px;font-size:1.1875rem}
caption{text-align:left;font-weight:700;font-size:1.3rem;margin-bottom:10px}
th,td{text-align:left;padding:10px 20px 10px 0;border-bottom:1px solid #b1b4b6;vertical-align:top}
th{font-weight:700}
td form{display:inline;margin:0}
.actions a,.actions button{margin-right:15px}
.link-inline{background:none;border:0;padding:0;font:inherit;color:#1d70b8;text-decoration:underline;cursor:pointer}
dl.summary{margin:0 0 30px;font-size:1.1875rem}
dl.summary div{display:flex;flex-wrap:wrap;border-bottom:1px solid #b1b4b6;padding:10px 0}
dl.summary dt{font-weight:700;width:30%;min-width:12em}
dl.summary dd{margin:0;flex:1}
.panel{background:#00703c;color:#fff;padding:25px;margin-bottom:30px;text-align:center}
.panel h1{color:#fff;margin-bottom:10px}
.secret{font-family:"Courier New",monospace;font-size:1.5rem;letter-spacing:.08em;word-break:break-all;background:#f3f2f1;padding:10px;display:inline-block}
.number-match{font-size:4rem;font-weight:700;letter-spacing:.1em;border:5px solid #0b0c0c;display:inline-block;padding:10px 30px;margin:10px 0 20px}
.card-list{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:20px}
.card-list li{border-top:5px solid #1d70b8;background:#f3f2f1;padding:15px 20px}
.card-list h3{margin-top:0}
.option-list{list-style:none;padding:0}
.option-list li{margin-bottom:15px}
.qr{image-rendering:pixelated;width:200px;height:200px;border:10px solid #fff;outline:1px solid #b1b4b6}
footer{border-top:1px solid #b1b4b6;background:#f3f2f1;padding:25px 0;color:#505a5f;font-size:1rem}
.js-only{display:none}
.js-enabled .js-only{display:block}
.js-enabled .no-js{display:none}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;white-space:nowrap!important;border:0!important}
`;
