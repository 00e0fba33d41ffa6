// Command server is the Go side of the gRPC baseline of `make bench`: benchgrpc.Bench/Small (bench.proto)
// served by grpc-go on a Unix domain socket, doing what GoBench.small does. The message is encoded by
// hand with protowire (a codec named "proto"), so the build needs no protoc plugin for Go.
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"net"
	"os"
	"os/signal"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/encoding/protowire"
)

type small struct {
	a int64
	b float64
	c int32
}

type codec struct{}

func (codec) Name() string { return "proto" }

func (codec) Marshal(v any) ([]byte, error) {
	m := v.(*small)
	var b []byte
	if m.a != 0 {
		b = protowire.AppendTag(b, 1, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(m.a))
	}
	if m.b != 0 {
		b = protowire.AppendTag(b, 2, protowire.Fixed64Type)
		b = protowire.AppendFixed64(b, math.Float64bits(m.b))
	}
	if m.c != 0 {
		b = protowire.AppendTag(b, 3, protowire.VarintType)
		b = protowire.AppendVarint(b, uint64(int64(m.c)))
	}
	return b, nil
}

func (codec) Unmarshal(data []byte, v any) error {
	m := v.(*small)
	*m = small{}
	for len(data) > 0 {
		num, typ, n := protowire.ConsumeTag(data)
		if n < 0 {
			return protowire.ParseError(n)
		}
		data = data[n:]
		switch {
		case num == 1 && typ == protowire.VarintType:
			x, n := protowire.ConsumeVarint(data)
			if n < 0 {
				return protowire.ParseError(n)
			}
			m.a, data = int64(x), data[n:]
		case num == 2 && typ == protowire.Fixed64Type:
			x, n := protowire.ConsumeFixed64(data)
			if n < 0 {
				return protowire.ParseError(n)
			}
			m.b, data = math.Float64frombits(x), data[n:]
		case num == 3 && typ == protowire.VarintType:
			x, n := protowire.ConsumeVarint(data)
			if n < 0 {
				return protowire.ParseError(n)
			}
			m.c, data = int32(x), data[n:]
		default:
			n := protowire.ConsumeFieldValue(num, typ, data)
			if n < 0 {
				return protowire.ParseError(n)
			}
			data = data[n:]
		}
	}
	return nil
}

var desc = grpc.ServiceDesc{
	ServiceName: "benchgrpc.Bench",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Small",
		Handler: func(_ any, _ context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
			var in small
			if err := dec(&in); err != nil {
				return nil, err
			}
			return &small{a: in.a + 1, b: in.b * 2, c: in.c - 1}, nil
		},
	}},
	Metadata: "bench.proto",
}

func main() {
	socket := flag.String("socket", "", "Unix domain socket to listen on")
	flag.Parse()
	os.Remove(*socket)
	lis, err := net.Listen("unix", *socket)
	if err != nil {
		fmt.Fprintln(os.Stderr, "grpc server:", err)
		os.Exit(1)
	}
	s := grpc.NewServer(grpc.ForceServerCodec(codec{}))
	s.RegisterService(&desc, struct{}{})
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-sig; s.Stop() }()
	if err := s.Serve(lis); err != nil {
		fmt.Fprintln(os.Stderr, "grpc server:", err)
		os.Exit(1)
	}
}
