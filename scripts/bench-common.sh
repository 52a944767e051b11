# Shared set-up of the benchmark scripts (sourced, not run): the project
# root, the corpus, the number of runs, the protoforge binary (built when
# PROTOFORGE is not given) and the protoc command.
cd "$(dirname "$0")/.."
top=$(pwd)
corpus=${PROTOFORGE_CORPUS:-$top/../shared/corpus}
corpus=$(cd "$corpus" && pwd)
runs=${RUNS:-3}
if [ -z "${PROTOFORGE:-}" ]; then
  cargo build --release --quiet
fi
pf=${PROTOFORGE:-${CARGO_TARGET_DIR:-$top/target}/release/protoforge}
case "$pf" in /*) ;; *) pf="$top/$pf" ;; esac
protoc=${PROTOC:-python3 -m grpc_tools.protoc}
