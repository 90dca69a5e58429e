// ReDoc's start-up, as a file (the Content-Security-Policy allows no inline script).
Redoc.init("/openapi.json", {hideDownloadButton: false, disableSearch: false}, document.getElementById("redoc"));
