// Command goside is the Go half of the HTTP example: Go's net/http behind the go service web.Http
// (examples/http/web.c2g). It is built with -buildmode=c-archive into a static library that the C++
// program (examples/http/main.cc) links; that program's main() is the process's.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cxx2go/cxx2go/examples/http/web"
	"github.com/cxx2go/cxx2go/runtime/go/cxx2go"
)

// maxBody bounds the response bodies Fetch reads into memory.
const maxBody = 64 << 20

// Package initialization runs when the C++ program starts the archive's Go runtime, and cxx2go::start()
// waits for it (abi.h, cxx2go_go_attach): the service is registered before the first call can come.
func init() {
	if err := web.RegisterHttp(newService()); err != nil {
		panic(err) // only a second registration fails: a bug of this file
	}
}

// main is required by -buildmode=c-archive and never runs.
func main() {}

// service implements web.Http. Its methods run on goroutines of their own, many at once.
type service struct {
	client *http.Client

	mu     sync.Mutex
	server *http.Server // nil while stopped
	counts *requestCounts
}

func newService() *service {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	// The C++ side sends a thousand requests at once to one host. Keep that to a bounded number of
	// connections (each costs two file descriptors when the server is in the same process), and keep them
	// all open for reuse: with the default of 2 idle connections per host, almost every request would
	// open a new one.
	transport.MaxConnsPerHost = 128
	transport.MaxIdleConnsPerHost = 128
	// No Timeout: the deadline of each call, which reaches Fetch as its context's, bounds each request.
	return &service{client: &http.Client{Transport: transport}}
}

// Fetch implements web.Http. request is a Go-owned copy (only top-level bytes arguments are borrowed
// from C++), so handing its body and headers to net/http, which may keep them a while, is fine.
func (s *service) Fetch(ctx context.Context, request web.Request) (web.Response, error) {
	method := request.Method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if len(request.Body) > 0 {
		body = bytes.NewReader(request.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, request.URL, body)
	if err != nil {
		return web.Response{}, cxx2go.Errorf(cxx2go.InvalidArgument, "%v", err)
	}
	for name, values := range request.Headers {
		req.Header[http.CanonicalHeaderKey(name)] = values
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return web.Response{}, fetchError(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return web.Response{}, fetchError(err)
	}
	if len(data) > maxBody {
		return web.Response{}, cxx2go.Errorf(cxx2go.ResourceExhausted, "%s %s: body larger than %d bytes", method, request.URL, maxBody)
	}
	return web.Response{Status: int32(resp.StatusCode), Headers: resp.Header, Body: data}, nil
}

// fetchError keeps the errors of the call's context as they are, so that C++ sees deadline_exceeded or
// cancelled (cxx2go maps errors that wrap context.DeadlineExceeded and context.Canceled to those codes),
// and reports any other failure to talk to the server as unavailable.
func fetchError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	return cxx2go.Errorf(cxx2go.Unavailable, "%v", err)
}

// StartServer implements web.Http.
func (s *service) StartServer(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.server != nil {
		return "", cxx2go.Errorf(cxx2go.FailedPrecondition, "the server is running already")
	}
	// Loopback only, on a port the kernel picks: the demo is not reachable from other machines and
	// collides with nothing else listening on this one.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", cxx2go.Errorf(cxx2go.Unavailable, "listen: %v", err)
	}
	counts := &requestCounts{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", counts.hello.counting(hello))
	mux.HandleFunc("GET /slow", counts.slow.counting(slow))
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := server.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			log.Printf("goside: server stopped: %v", err)
		}
	}()
	s.server, s.counts = server, counts
	return "http://" + ln.Addr().String(), nil
}

// StopServer implements web.Http. The call's deadline, if the C++ caller set one, bounds the wait for
// requests in progress.
func (s *service) StopServer(ctx context.Context) (web.ServerStats, error) {
	s.mu.Lock()
	server, counts := s.server, s.counts
	s.server, s.counts = nil, nil
	s.mu.Unlock()
	if server == nil {
		return web.ServerStats{}, cxx2go.Errorf(cxx2go.FailedPrecondition, "the server is not running")
	}
	err := server.Shutdown(ctx)
	s.client.CloseIdleConnections() // pooled connections to the stopped server are of no use any more
	if err != nil {
		return web.ServerStats{}, err
	}
	return web.ServerStats{Requests: map[string]uint64{
		"/hello": counts.hello.Load(),
		"/slow":  counts.slow.Load(),
	}}, nil
}

type requestCounts struct {
	hello, slow counter
}

type counter struct{ atomic.Uint64 }

func (c *counter) counting(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.Add(1)
		h(w, r)
	}
}

// hello answers /hello?n=<n> with helloBody(n) and the header X-Request-N: <n>.
func hello(w http.ResponseWriter, r *http.Request) {
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 0 {
		http.Error(w, "n must be a non-negative integer", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Request-N", strconv.Itoa(n))
	io.WriteString(w, helloBody(n))
}

// helloBody is "hello <n>\n", 1 + n%32 times. The C++ program computes the same to check each response.
func helloBody(n int) string {
	return strings.Repeat(fmt.Sprintf("hello %d\n", n), 1+n%32)
}

// slow answers /slow?ms=<t> after t milliseconds, unless the client gives up first.
func slow(w http.ResponseWriter, r *http.Request) {
	ms, err := strconv.Atoi(r.URL.Query().Get("ms"))
	if err != nil || ms < 0 {
		http.Error(w, "ms must be a non-negative integer", http.StatusBadRequest)
		return
	}
	timer := time.NewTimer(time.Duration(ms) * time.Millisecond)
	defer timer.Stop()
	select {
	case <-timer.C:
		io.WriteString(w, "slow\n")
	case <-r.Context().Done(): // the client went away: nobody would read the answer
	}
}
