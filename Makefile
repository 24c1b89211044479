# The two commands that matter: `make demo` and `make test`.
CARGO       ?= cargo
WASM_TARGET := wasm32-wasip2
WASM_DIR    := target/$(WASM_TARGET)/component
COMPONENT   := $(WASM_DIR)/wrike_connector.wasm
GITHUB      := $(WASM_DIR)/github_issues_connector.wasm
PREFIX      ?= /usr/local

.PHONY: build install install-components push wasm-target component host test test-mcp-inspector bench demo lint fmt clean

## build: the Wrike and GitHub Issues components, the hostile guest test components,
## connector-host, fake-wrike and fake-github
build: component host

## install: `make build`'s artifacts into PREFIX (default /usr/local), nothing rebuilt:
## PREFIX/bin/connector-host and PREFIX/share/connector-host/components/*.wasm, where the
## binary finds them from any directory. DESTDIR stages the install.
install: build
	@bash scripts/install.sh "$(PREFIX)"

## install-components: only the components, for a host from `cargo install --path host --root PREFIX`
install-components: component
	@bash scripts/install.sh --components-only "$(PREFIX)"

## push: publish the built Wrike and GitHub Issues components to an OCI registry as Wasm
## component artifacts, each digest printed: `make push REGISTRY=HOST[:PORT]/NAMESPACE`
## [TAG=…, default the workspace version]. Credentials: CONNECTOR_OCI_USERNAME and
## CONNECTOR_OCI_PASSWORD (anonymous without them); plain HTTP only for loopback registries
## or those in the config file's `[oci] insecure` (CONNECTOR_CONFIG).
REGISTRY    ?=
TAG         ?= $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
push: component host
	@test -n "$(REGISTRY)" || { echo "make push needs REGISTRY=HOST[:PORT]/NAMESPACE" >&2; exit 2; }
	target/debug/connector-host push $(COMPONENT) oci://$(REGISTRY)/wrike:$(TAG)
	target/debug/connector-host push $(GITHUB) oci://$(REGISTRY)/github-issues:$(TAG)

wasm-target:
	@rustup target list --installed 2>/dev/null | grep -qx '$(WASM_TARGET)' || rustup target add $(WASM_TARGET)

component: wasm-target
	$(CARGO) build --profile component --target $(WASM_TARGET) -p wrike-connector -p github-issues-connector -p hostile-guests -p hostile-descriptor
	@ls -l $(COMPONENT) $(GITHUB) | awk '{print "component: " $$NF " (" $$5 " bytes)"}'

host:
	$(CARGO) build -p connector-host -p fake-wrike -p fake-github --bins

## test: every test (unit, fake Wrike, end to end through connector-host), offline.
## `cargo test` builds connector-host itself (with the test profile's features), so the host is
## not built twice with two feature sets.
## The library also builds with no optional feature (no clap, rmcp, PostgreSQL or registry
## client: docs/EMBEDDING.md); `cargo check` only, so it costs no second link.
test: component
	$(CARGO) test --workspace --exclude hostile-guests
	$(CARGO) check -p connector-host --lib --no-default-features

## bench: the ratio report and criterion benchmarks (release builds), host vs a native reqwest
## client and vs curl in the same run, then the webhook load generator (`serve` with group
## commit vs one commit per delivery, 8 and 64 in flight); results and method in BENCHMARKS.md.
## `make test` never runs them. BENCH_QUICK=1 for a short smoke run.
bench: component
	$(CARGO) build --release -p connector-host --bin connector-host
	$(CARGO) bench -p e2e-tests --bench host_overhead
	$(CARGO) bench -p e2e-tests --bench webhook_ingest

## test-mcp-inspector: `connector-host mcp` driven by the reference MCP Inspector (needs Node.js
## and the npm registry, so `make test` leaves it out).
test-mcp-inspector: component
	$(CARGO) build -p connector-host
	$(CARGO) test -p e2e-tests --test mcp_inspector -- --ignored

## demo: start the embedded fake Wrike and drive a short scenario through connector-host
demo: build
	@bash scripts/demo.sh

## lint: rustfmt and clippy (native and wasm32-wasip2), warnings are errors
lint: wasm-target
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --exclude hostile-guests -- -D warnings
	$(CARGO) clippy --target $(WASM_TARGET) -p connector-sdk -p wrike -p wrike-connector -p github-issues-connector -p hostile-guests -p hostile-descriptor -- -D warnings

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
