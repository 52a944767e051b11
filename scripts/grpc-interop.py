#!/usr/bin/env python3
"""gRPC interop between protoforge's generated Rust (examples/user-service)
and Python grpcio, driven by scripts/grpc-interop.sh.

  schema --fds FILE          our grpc.health.v1 schema (a descriptor set made
                             by protoc) has the wire contract of
                             grpcio-health-checking's
  client --stubs DIR --target HOST:PORT --token T
                             checks the Rust server: all four call patterns,
                             metadata, status codes, deadlines, unknown
                             methods and the health service through the
                             official grpcio-health-checking stubs
  server --stubs DIR --port N --token T
                             a grpcio UserService (same behaviour as the Rust
                             one) with the standard health service, for the
                             Rust client; prints "listening on ADDR", stops
                             on SIGTERM or SIGINT

DIR holds user_service_pb2.py and user_service_pb2_grpc.py made by
`python3 -m grpc_tools.protoc --python_out --grpc_python_out` (protoc 35.1)
from fixtures/user_service.proto.
"""

import argparse
import importlib
import itertools
import signal
import sys
import threading
import time
from concurrent import futures

import grpc

SERVICE = "userservice.v1.UserService"
LATENCY_HEADER = "x-simulate-latency-ms"
REQUEST_ID_HEADER = "x-request-id"


def load_stubs(stubs):
    sys.path.insert(0, stubs)
    return importlib.import_module("user_service_pb2"), importlib.import_module("user_service_pb2_grpc")


# ---------------------------------------------------------------- schema

def schema(args):
    from google.protobuf import descriptor_pb2
    from grpc_health.v1 import health_pb2

    theirs = descriptor_pb2.FileDescriptorProto()
    health_pb2.DESCRIPTOR.CopyToProto(theirs)
    fds = descriptor_pb2.FileDescriptorSet()
    with open(args.fds, "rb") as f:
        fds.ParseFromString(f.read())
    ours = [f for f in fds.file if f.package == "grpc.health.v1"]
    if len(ours) != 1:
        sys.exit(f"expected one grpc.health.v1 file in {args.fds}, found {len(ours)}")
    ours = ours[0]

    def fields(m):
        return [(f.name, f.number, f.label, f.type, f.type_name) for f in m.field]

    def message(m):
        return (
            m.name,
            fields(m),
            [message(n) for n in m.nested_type],
            [(e.name, [(v.name, v.number) for v in e.value]) for e in m.enum_type],
            m.options.map_entry,
        )

    def contract(f):
        return {
            "package": f.package,
            "syntax": f.syntax,
            "messages": sorted(message(m) for m in f.message_type),
            "enums": sorted((e.name, [(v.name, v.number) for v in e.value]) for e in f.enum_type),
            "services": sorted(
                (
                    s.name,
                    sorted(
                        (m.name, m.input_type, m.output_type, m.client_streaming, m.server_streaming)
                        for m in s.method
                    ),
                )
                for s in f.service
            ),
        }

    a, b = contract(ours), contract(theirs)
    bad = [k for k in a if a[k] != b[k]]
    for k in bad:
        print(f"{k}:\n  ours:   {a[k]}\n  theirs: {b[k]}")
    if bad:
        sys.exit("our grpc.health.v1 schema differs from grpcio-health-checking's")
    n = sum(len(s.method) for s in ours.service)
    print(f"grpc.health.v1: {len(ours.message_type)} messages and {n} methods match grpcio-health-checking")


# ---------------------------------------------------------------- client

class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, fn):
        try:
            detail = fn()
        except Exception as e:  # a failed check, reported and counted
            self.failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
            return
        self.passed += 1
        print(f"ok   {name}" + (f": {detail}" if detail else ""))


def expect_code(code, fn):
    try:
        r = fn()
    except grpc.RpcError as e:
        if e.code() != code:
            raise AssertionError(f"expected {code.name}, got {e.code().name}: {e.details()}")
        return e.details()
    raise AssertionError(f"expected {code.name}, got an answer: {r!r}")


def client(args):
    pb, rpc = load_stubs(args.stubs)
    from google.protobuf import empty_pb2
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    auth = (("authorization", f"Bearer {args.token}"),)
    channel = grpc.insecure_channel(args.target)
    grpc.channel_ready_future(channel).result(timeout=10)
    stub = rpc.UserServiceStub(channel)
    c = Checks()
    state = {}

    def user(name, email, role):
        return pb.User(name=name, email=email, role=role)

    c.check("no token: UNAUTHENTICATED",
            lambda: expect_code(grpc.StatusCode.UNAUTHENTICATED, lambda: stub.Ping(empty_pb2.Empty(), timeout=5)))
    c.check("ping with token", lambda: stub.Ping(empty_pb2.Empty(), timeout=5, metadata=auth) and None)
    c.check("wrong token: UNAUTHENTICATED",
            lambda: expect_code(grpc.StatusCode.UNAUTHENTICATED,
                                lambda: stub.GetUser(pb.GetUserRequest(id="x"), timeout=5,
                                                     metadata=(("authorization", "Bearer nope"),))))

    def create():
        batch = [
            user("Ada Lovelace", "ada@example.com", pb.ROLE_ADMIN),
            user("Grace Hopper", "grace@example.com", pb.ROLE_MEMBER),
            user("Linus Torvalds", "linus@example.com", pb.ROLE_MEMBER),
        ]
        summary = stub.CreateUser((pb.CreateUserRequest(user=u) for u in batch), timeout=10, metadata=auth)
        assert summary.created == 3 and len(summary.ids) == 3, summary
        state["ids"] = list(summary.ids)
        return f"created {list(summary.ids)}"

    c.check("client streaming CreateUser", create)
    c.check("bad email: INVALID_ARGUMENT",
            lambda: expect_code(grpc.StatusCode.INVALID_ARGUMENT,
                                lambda: stub.CreateUser(iter([pb.CreateUserRequest(user=user("N", "nope", pb.ROLE_MEMBER))]),
                                                        timeout=5, metadata=auth)))

    def get():
        u, call = stub.GetUser.with_call(pb.GetUserRequest(id=state["ids"][0]), timeout=5,
                                         metadata=auth + ((REQUEST_ID_HEADER, "py-7"),))
        assert u.name == "Ada Lovelace" and u.role == pb.ROLE_ADMIN and u.HasField("created_at"), u
        md = dict(call.initial_metadata())
        assert md.get(REQUEST_ID_HEADER) == "py-7", md
        return f"{u.name} <{u.email}>, x-request-id echoed"

    c.check("unary GetUser with metadata", get)
    c.check("unknown id: NOT_FOUND",
            lambda: expect_code(grpc.StatusCode.NOT_FOUND,
                                lambda: stub.GetUser(pb.GetUserRequest(id="nope"), timeout=5, metadata=auth)))
    c.check("empty id: INVALID_ARGUMENT",
            lambda: expect_code(grpc.StatusCode.INVALID_ARGUMENT,
                                lambda: stub.GetUser(pb.GetUserRequest(id=""), timeout=5, metadata=auth)))

    def listing():
        members = [u.name for u in stub.ListUsers(pb.ListUsersRequest(role=pb.ROLE_MEMBER), timeout=5, metadata=auth)]
        assert members == ["Grace Hopper", "Linus Torvalds"], members
        page = list(stub.ListUsers(pb.ListUsersRequest(page_size=1), timeout=5, metadata=auth))
        assert len(page) == 1, page
        return f"members {members}, page of {len(page)}"

    c.check("server streaming ListUsers", listing)
    c.check("negative page size: INVALID_ARGUMENT",
            lambda: expect_code(grpc.StatusCode.INVALID_ARGUMENT,
                                lambda: list(stub.ListUsers(pb.ListUsersRequest(page_size=-1), timeout=5, metadata=auth))))

    def bidi():
        # Send one command, wait for its event, then the next: a real
        # conversation, not a batch.
        events = []
        ready = threading.Event()

        def commands():
            yield pb.UserCommand(upsert=user("Barbara Liskov", "barbara@example.com", pb.ROLE_MEMBER))
            if not ready.wait(5):
                return
            yield pb.UserCommand(delete_id=state["ids"][2])

        for e in stub.ProcessUsers(commands(), timeout=10, metadata=auth):
            events.append(e)
            ready.set()
        assert len(events) == 2, events
        assert not events[0].deleted and events[0].id, events[0]
        assert events[1].deleted and events[1].id == state["ids"][2], events[1]
        names = sorted(u.name for u in stub.ListUsers(pb.ListUsersRequest(), timeout=5, metadata=auth))
        assert names == ["Ada Lovelace", "Barbara Liskov", "Grace Hopper"], names
        return f"upserted {events[0].id}, deleted {events[1].id}"

    c.check("bidirectional ProcessUsers", bidi)
    c.check("delete of an unknown id ends the stream: NOT_FOUND",
            lambda: expect_code(grpc.StatusCode.NOT_FOUND,
                                lambda: list(stub.ProcessUsers(iter([pb.UserCommand(delete_id="nope")]),
                                                               timeout=5, metadata=auth))))

    def deadline_unary():
        t = time.monotonic()
        d = expect_code(grpc.StatusCode.DEADLINE_EXCEEDED,
                        lambda: stub.GetUser(pb.GetUserRequest(id=state["ids"][0]), timeout=0.3,
                                             metadata=auth + ((LATENCY_HEADER, "3000"),)))
        took = time.monotonic() - t
        assert took < 2.0, f"took {took:.2f}s"
        return f"after {took * 1000:.0f} ms ({d})"

    def deadline_stream():
        got = []

        def run():
            for u in stub.ListUsers(pb.ListUsersRequest(), timeout=0.5, metadata=auth + ((LATENCY_HEADER, "300"),)):
                got.append(u)

        expect_code(grpc.StatusCode.DEADLINE_EXCEEDED, run)
        assert len(got) < 3, got
        return f"{len(got)} of 3 users before the deadline"

    c.check("expired deadline, unary: DEADLINE_EXCEEDED", deadline_unary)
    c.check("expired deadline, server streaming: DEADLINE_EXCEEDED", deadline_stream)
    c.check("server still answers after deadlines",
            lambda: stub.GetUser(pb.GetUserRequest(id=state["ids"][0]), timeout=5, metadata=auth).name)

    def unknown_method():
        call = channel.unary_unary(f"/{SERVICE}/NoSuchMethod",
                                   request_serializer=lambda m: m.SerializeToString(),
                                   response_deserializer=pb.User.FromString)
        return expect_code(grpc.StatusCode.UNIMPLEMENTED,
                           lambda: call(pb.GetUserRequest(id="x"), timeout=5, metadata=auth))

    c.check("unknown method: UNIMPLEMENTED", unknown_method)

    health = health_pb2_grpc.HealthStub(channel)
    serving = health_pb2.HealthCheckResponse.SERVING

    def check_health():
        for s in ["", SERVICE]:
            r = health.Check(health_pb2.HealthCheckRequest(service=s), timeout=5)
            assert r.status == serving, (s, r)
        return "SERVING for the server and the UserService"

    c.check("health Check (grpcio-health-checking client)", check_health)
    c.check("health Check of an unknown service: NOT_FOUND",
            lambda: expect_code(grpc.StatusCode.NOT_FOUND,
                                lambda: health.Check(health_pb2.HealthCheckRequest(service="no.Such"), timeout=5)))

    def watch():
        stream = health.Watch(health_pb2.HealthCheckRequest(service=SERVICE), timeout=5)
        first = next(stream)
        stream.cancel()
        assert first.status == serving, first
        return "first answer SERVING"

    c.check("health Watch", watch)

    def health_list():
        r = health.List(health_pb2.HealthListRequest(), timeout=5)
        assert set(r.statuses) == {"", SERVICE}, dict(r.statuses)
        assert all(v.status == serving for v in r.statuses.values()), r
        return f"{len(r.statuses)} services"

    c.check("health List", health_list)
    channel.close()
    print(f"interop (grpcio client -> Rust server): {c.passed} passed, {c.failed} failed")
    sys.exit(1 if c.failed else 0)


# ---------------------------------------------------------------- server

def server(args):
    pb, rpc = load_stubs(args.stubs)
    from grpc_health.v1 import health, health_pb2, health_pb2_grpc
    from google.protobuf import empty_pb2, timestamp_pb2

    lock = threading.Lock()
    users = {}
    counter = itertools.count(1)

    def invalid(u):
        if not u.name.strip():
            return "a user needs a name"
        at = u.email.find("@")
        if at <= 0 or at + 1 >= len(u.email):
            return f"not an email address: {u.email!r}"
        return None

    def create(u):
        u = pb.User.FromString(u.SerializeToString())
        u.id = f"p{next(counter)}"
        ts = timestamp_pb2.Timestamp()
        ts.GetCurrentTime()
        u.created_at.CopyFrom(ts)
        users[u.id] = u
        return u

    def echo(context):
        md = dict(context.invocation_metadata())
        if REQUEST_ID_HEADER in md:
            context.send_initial_metadata(((REQUEST_ID_HEADER, md[REQUEST_ID_HEADER]),))

    def latency(context):
        v = dict(context.invocation_metadata()).get(LATENCY_HEADER)
        if v is None:
            return 0.0
        if not v.isdigit() or int(v) > 60000:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"{LATENCY_HEADER}: 0..=60000 ms")
        return int(v) / 1000

    def work(seconds, context):
        """Waits, unless the deadline comes first."""
        left = context.time_remaining()
        if left is not None and left < seconds:
            time.sleep(max(left, 0))
            context.abort(grpc.StatusCode.DEADLINE_EXCEEDED, "deadline expired before the work was done")
        time.sleep(seconds)

    class Users(rpc.UserServiceServicer):
        def GetUser(self, request, context):
            if not request.id:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, "id must not be empty")
            work(latency(context), context)
            with lock:
                u = users.get(request.id)
            if u is None:
                context.abort(grpc.StatusCode.NOT_FOUND, f"no user with id {request.id!r}")
            echo(context)
            return u

        def ListUsers(self, request, context):
            if request.page_size < 0:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, "page_size must not be negative")
            with lock:
                found = [u for _, u in sorted(users.items(), key=lambda kv: int(kv[0][1:]))
                         if request.role == pb.ROLE_UNSPECIFIED or u.role == request.role]
            if request.page_size:
                found = found[:request.page_size]
            delay = latency(context)
            echo(context)
            for u in found:
                work(delay, context)
                yield u

        def CreateUser(self, request_iterator, context):
            summary = pb.CreateUsersSummary()
            for req in request_iterator:
                if not req.HasField("user"):
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "CreateUserRequest.user is required")
                why = invalid(req.user)
                if why:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, why)
                with lock:
                    u = create(req.user)
                summary.created += 1
                summary.ids.append(u.id)
            echo(context)
            return summary

        def ProcessUsers(self, request_iterator, context):
            echo(context)
            for cmd in request_iterator:
                kind = cmd.WhichOneof("action")
                if kind == "upsert":
                    why = invalid(cmd.upsert)
                    if why:
                        context.abort(grpc.StatusCode.INVALID_ARGUMENT, why)
                    with lock:
                        old = users.get(cmd.upsert.id) if cmd.upsert.id else None
                        if old is None:
                            u = create(cmd.upsert)
                        else:
                            u = pb.User.FromString(cmd.upsert.SerializeToString())
                            u.created_at.CopyFrom(old.created_at)
                            users[u.id] = u
                    yield pb.UserEvent(id=u.id, deleted=False)
                elif kind == "delete_id":
                    with lock:
                        gone = users.pop(cmd.delete_id, None)
                    if gone is None:
                        context.abort(grpc.StatusCode.NOT_FOUND, f"no user with id {cmd.delete_id!r}")
                    yield pb.UserEvent(id=cmd.delete_id, deleted=True)
                else:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "UserCommand.action is required")

        def Ping(self, request, context):
            echo(context)
            return empty_pb2.Empty()

    expected = f"Bearer {args.token}"

    def deny(request, context):
        context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or invalid bearer token")

    class Auth(grpc.ServerInterceptor):
        def intercept_service(self, continuation, details):
            if details.method.startswith(f"/{SERVICE}/"):
                md = dict(details.invocation_metadata)
                if md.get("authorization") != expected:
                    return grpc.unary_unary_rpc_method_handler(deny)
            return continuation(details)

    srv = grpc.server(futures.ThreadPoolExecutor(max_workers=16), interceptors=[Auth()])
    rpc.add_UserServiceServicer_to_server(Users(), srv)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, srv)
    port = srv.add_insecure_port(f"127.0.0.1:{args.port}")
    health_servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    health_servicer.set(SERVICE, health_pb2.HealthCheckResponse.SERVING)
    srv.start()
    print(f"listening on 127.0.0.1:{port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    # Bounded even if nobody stops it.
    stop.wait(args.max_seconds)
    health_servicer.enter_graceful_shutdown()
    srv.stop(grace=2).wait(5)
    print("shut down cleanly", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("schema")
    s.add_argument("--fds", required=True)
    s = sub.add_parser("client")
    s.add_argument("--stubs", required=True)
    s.add_argument("--target", required=True)
    s.add_argument("--token", required=True)
    s = sub.add_parser("server")
    s.add_argument("--stubs", required=True)
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--token", required=True)
    s.add_argument("--max-seconds", type=float, default=300)
    args = p.parse_args()
    {"schema": schema, "client": client, "server": server}[args.cmd](args)


if __name__ == "__main__":
    main()
