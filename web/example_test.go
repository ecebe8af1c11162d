package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/qrtc/qrtc/web"
)

// Serve the page, as qrtc web does on loopback.
func Example() {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	r, err := http.Get(srv.URL + "/")
	if err != nil {
		fmt.Println(err)
		return
	}
	r.Body.Close()
	fmt.Println(r.StatusCode, r.Header.Get("Content-Type"))
	// Output: 200 text/html; charset=utf-8
}
