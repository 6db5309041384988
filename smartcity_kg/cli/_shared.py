"""What the command-line modules share: the common options, error reporting, opening the graph.

One vocabulary everywhere: ``--build-dir`` is the folder of the built graph (the output of
``build``, the input of every other command), ``--endpoint`` a SPARQL endpoint read instead of it, ``-o/--output`` is every file or folder a
command writes, ``--from`` the entity a path starts from, ``--home`` a firm profile's home
country, ``--market`` the market entered, ``--format`` how results are printed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

import click

from ..exceptions import EntityNotFoundError, OutputError, QueryError, SmartCityKGError

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..builder.extra import MoreOutputs
    from ..builder.pipeline import BuildOptions, BuildResult
    from ..network.projection import Network
    from ..store.entities import EntityIndex

__all__ = ["BUILD_DIR", "ENDPOINT", "EXIT_CODES", "STORE", "UsageFailure", "build_options", "fail", "format_option",
           "Read", "leave_network", "network_of", "open_graph", "output_option", "resolve_class", "run_build"]

F = TypeVar("F", bound=Callable[..., Any])

#: Written under every command's ``--help`` and in README.
EXIT_CODES = ("Exit status: 0 done (\"no path\" included); 1 a problem with the data, the graph or a server; "
              "2 a usage error.")

BUILD_DIR = click.option("--build-dir", "build_dir", type=click.Path(file_okay=False, path_type=Path),
                         default=Path("build"), show_default=True,
                         help="Folder of the built graph (written by 'build', read by the other commands).")

STORE = click.option("--store", "store_dir", type=click.Path(file_okay=False, path_type=Path),
                     help="Keep the loaded graph in an on-disk store in this folder and reuse it.")


def _check_endpoint(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse, before any work, a URL that is not http(s) with a host, and --store beside --endpoint."""
    if value is None:
        return value
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageFailure(f"--endpoint: {value!r} is not an http(s) URL of a SPARQL endpoint, "
                           "such as http://127.0.0.1:7878/query")
    return value


ENDPOINT = click.option("--endpoint", "endpoint", metavar="URL", callback=_check_endpoint,
                        help="Read the graph from this SPARQL 1.1 query endpoint (such as Oxigraph's "
                             "http://HOST:7878/query, after 'push') instead of --build-dir.")


def output_option(what: str, *, folder: bool = False, default: Path | None = None,
                  optional: bool = False) -> Callable[[F], F]:
    """The ``-o/--output`` option: ``what`` says what is written there, a file unless ``folder``;
    required unless it has a ``default`` or is ``optional`` (the command then prints instead).

    Ordinary mistakes are refused before any work, in one line: a file that names an existing
    folder, a file or folder whose parent folder does not exist.
    """
    def check(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
        if value is None:
            return value
        if not folder and value.is_dir():
            raise UsageFailure(f"-o/--output: {value} is a folder; give a file name")
        parent = value.absolute().parent
        if not parent.is_dir():
            raise UsageFailure(f"-o/--output: the folder {parent} does not exist; create it first")
        return value

    return click.option("--output", "-o", "output", type=click.Path(path_type=Path), required=default is None and not optional,
                        default=default, show_default=default is not None, callback=check, help=what)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    """The ``--format`` option of a command that prints results."""
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True,
                        help="How to print the results.")


class UsageFailure(click.ClickException):
    """A usage error found after parsing (a name that resolves to nothing, a refused output): exit 2."""

    exit_code = 2


def fail(exc: SmartCityKGError) -> click.ClickException:
    """The click error for ``exc``: exit 2 for what the user typed, 1 for the data, the graph or a server."""
    if isinstance(exc, (OutputError, QueryError, EntityNotFoundError)):
        return UsageFailure(str(exc))
    return click.ClickException(str(exc))  # exit status 1


def build_options(ontology: Path | None = None, graph: Path | None = None, checks: Path | None = None,
                  base: str | None = None, reasoner: str = "rules", reason_timeout: float = 120.0) -> BuildOptions:
    """The build options, the shipped files standing in for any path not given."""
    from dataclasses import replace

    from ..builder.pipeline import BuildOptions

    given: dict[str, Any] = {"reasoner": reasoner, "reason_timeout": reason_timeout}
    for name, value in (("ontology_dir", ontology), ("graph_dir", graph), ("checks_dir", checks), ("base", base)):
        if value is not None:
            given[name] = value
    return replace(BuildOptions(), **given)


def run_build(build_dir: Path, options: BuildOptions, quiet: bool) -> BuildResult:
    """Build into ``build_dir``, with a progress display on a terminal only."""
    from rich.console import Console

    from ..builder.pipeline import build

    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        return build(build_dir, options, add_outputs=network_outputs())
    with console.status("building") as status:
        return build(build_dir, options, on_stage=lambda stage: status.update(f"building: {stage}"),
                     add_outputs=network_outputs())


def network_outputs() -> MoreOutputs:
    """The projected network, as a build saves it (``add_outputs``): projected from the dataset while the files
    are written, and saved with a build that has an on-disk store, written or being written (every build, unless
    its ``store_from`` says otherwise), so that the network commands read it instead of projecting again."""
    from ..builder.extra import MoreOutputs
    from ..network.snapshot import dataset_network

    return MoreOutputs(dataset_network, _save_network)


def _save_network(folder: Path, body: bytes) -> None:
    """Save the network of ``body`` (:func:`smartcity_kg.network.snapshot.dataset_network`) into the build being
    written in ``folder`` if it has an on-disk store."""
    from ..network.snapshot import save_network
    from ..store.ondisk import STORE_DIR

    if (folder / STORE_DIR).is_dir():
        save_network(folder, body)


def ensure_build(build_dir: Path) -> None:
    """Build the shipped graph into ``build_dir`` when it holds none.

    Only into a folder that is absent, empty, or a build of smartcity-kg that lost its graph:
    a command that reads a build never builds over anything else.

    Raises
    ------
    OutputError
        If ``build_dir`` holds no graph but holds something else.
    """
    from ..outputs import check_folder

    if (build_dir / "graph.trig").is_file():
        return
    check_folder(build_dir)
    click.echo(f"no graph in {build_dir}/; building it first", err=True)
    run_build(build_dir, build_options(), quiet=False)


#: ``ctx.meta`` keys: the process has left the network; the command leaves it itself when it opens the graph.
ISOLATED, DEFERRED = "smartcity_kg.isolated", "smartcity_kg.isolate_on_open"


def leave_network(endpoint: str | None) -> str | None:
    """Run as a program (not called by a test) and not yet isolated: leave the network, keeping a way
    to ``endpoint`` only, if one is given (see :func:`smartcity_kg.sandbox.isolate_except`).

    Returns the Unix socket that reaches ``endpoint``, or ``None`` (connect directly).
    """
    from urllib.parse import urlsplit

    from ..sandbox import isolate_except, isolate_network

    ctx = click.get_current_context(silent=True)
    if ctx is None or ctx.find_root().obj != "isolate" or ctx.meta.get(ISOLATED):
        return None
    ctx.meta[ISOLATED] = True
    if endpoint is None:
        isolate_network(strict=False)
        return None
    parts = urlsplit(endpoint)
    return isolate_except(parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))


def remote_store(endpoint: str, store_dir: Path | None = None) -> Any:
    """The endpoint as a store; run as a program, the process keeps a way to it and to nothing else.

    Raises
    ------
    UsageFailure
        If ``--store`` is given too (a remote dataset is not copied to disk).
    """
    from ..store.remote import RemoteStore

    if store_dir is not None:
        raise UsageFailure("--store keeps a build on disk; it cannot be given with --endpoint")
    return RemoteStore(endpoint, uds=leave_network(endpoint))


class Read(NamedTuple):
    """Where a command reads the graph: a build folder, or an endpoint (``endpoint`` not ``None``)."""

    build_dir: Path
    endpoint: str | None = None

    @property
    def name(self) -> str:
        """How messages name it."""
        return f"the endpoint {self.endpoint}" if self.endpoint else f"the build in {self.build_dir}/"

    def reasoned(self, store: Any) -> bool:
        """Whether the graph has inferred classes: the build's report says so; an endpoint holds the inferred graph."""
        import json

        from ..store.queries import is_reasoned

        if self.endpoint:
            return is_reasoned(store)
        report = self.build_dir / "report.json"
        reasoning = json.loads(report.read_text(encoding="utf-8")).get("reasoning", {}) if report.is_file() else {}
        return bool(reasoning.get("reasoner"))


def open_graph(build_dir: Path, store_dir: Path | None, endpoint: str | None = None, *,
               in_memory: bool = False) -> tuple[ox.Store, EntityIndex]:
    """The store of the build in ``build_dir`` (building it first if there is none; in memory with
    ``in_memory``, see :func:`~smartcity_kg.store.dataset.open_store`), or the remote ``endpoint``
    read as a store (the build folder is then not read), and its index."""
    from ..store.dataset import open_store
    from ..store.entities import EntityIndex

    if endpoint is not None:
        store = remote_store(endpoint, store_dir)
    else:
        ctx = click.get_current_context(silent=True)
        if ctx is not None and ctx.meta.get(DEFERRED):
            leave_network(None)
        ensure_build(build_dir)
        store = open_store(build_dir, store_dir, in_memory=in_memory)
    return store, EntityIndex.from_store(store)


def network_of(build_dir: Path, store_dir: Path | None,
               endpoint: str | None = None) -> tuple[Network, EntityIndex, ox.Store]:
    """The projected network of the build in ``build_dir`` (or of ``endpoint``, by the projection
    queries run there), its entity index and its store.

    A build saved with its network (:mod:`smartcity_kg.network.snapshot`) gives it without projecting,
    and its store is then opened where it lies (the build's on-disk store): nothing is loaded.
    Otherwise the graph is loaded into memory, where projecting it runs 2–3 times faster than on disk.
    """
    from ..network.projection import project
    from ..network.snapshot import build_network
    from ..store.dataset import open_store

    if endpoint is None:
        ctx = click.get_current_context(silent=True)
        if ctx is not None and ctx.meta.get(DEFERRED):
            leave_network(None)
        ensure_build(build_dir)
        saved = build_network(build_dir)
        if saved is not None:
            if saved.index is None:
                store, index = open_graph(build_dir, store_dir)
            else:
                store, index = open_store(build_dir, store_dir), saved.index
            return saved.network, index, store
    store, index = open_graph(build_dir, store_dir, endpoint, in_memory=True)
    return project(store, labels=index.labels), index, store


def resolve_class(network: Network, name: str, option: str = "--to-class") -> str:
    """The IRI of a class named by IRI, prefixed name (``sck:Post``), local name or label."""
    import difflib

    from ..namespaces import PREFIXES, SCK

    classes = network.classes.union(*network.types.values())
    wanted = name.strip()
    prefix, colon, local_name = wanted.partition(":")
    if colon and prefix in PREFIXES and not local_name.startswith("//"):
        wanted = PREFIXES[prefix] + local_name
    folded = wanted.casefold()
    for iri in sorted(classes, key=lambda i: (not i.startswith(SCK), i)):  # the ontology's own classes first
        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if folded in (iri.casefold(), local.casefold(), network.labels.get(iri, "").casefold()):
            return iri
    names = sorted({network.labels.get(i, i) for i in classes})
    close = difflib.get_close_matches(name, names, n=5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise UsageFailure(f"{option}: no class {name!r} in the graph{hint}")
