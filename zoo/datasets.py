"""Published data files that models read: fetched once into a local cache and checked by SHA-256.

The zoo ships no third-party data (their licences differ from the zoo's). A model asks for files
by data set and name, :func:`require` returns their local paths::

    paths = datasets.require("multiarea", ["K_prime_original.npy", "fullscale_rates.json"])

Where files live: ``<root>/<data set>/<name>``, where ``root`` is the argument of that name, else
the environment variable ``ZOO_DATA_DIR``, else ``~/.cache/zoo``. A file that is missing there is
downloaded from its upstream repository at a pinned commit (the URL is the data set's
``base_url`` plus the file's upstream path). Every file, downloaded or found, must match the
SHA-256 in the manifest below, so a cache cannot silently hold other data than the published
version. Without network, put the files named in the error message into the directory it names
(or point ``ZOO_DATA_DIR`` at a directory that holds ``<data set>/<name>``).

Problems are one-line :class:`ZooError` messages: no network, a file the server does not have,
a checksum mismatch (the download is discarded), an unknown data set or file name.
"""

import dataclasses
import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from .errors import ZooError, unknown

ENV_ROOT = "ZOO_DATA_DIR"
DEFAULT_ROOT = Path("~/.cache/zoo")
TIMEOUT_S = 30.0


@dataclasses.dataclass(frozen=True)
class DataFile:
    """One file: where it is upstream (relative to the data set's base URL), its SHA-256 and size."""

    upstream: str
    sha256: str
    size: int


@dataclasses.dataclass(frozen=True)
class Dataset:
    """A set of files from one upstream repository at one commit, with its licence and citation."""

    name: str
    description: str
    repository: str
    commit: str
    licence: str
    citation: str
    files: dict
    kind: str = "data set"  # what the files are, for messages ("original code" in zoo.originals)
    root_variable: str = "ZOO_DATA_DIR"  # the environment variable that moves their cache

    @property
    def base_url(self):
        owner_repo = self.repository.removeprefix("https://github.com/")
        return f"https://raw.githubusercontent.com/{owner_repo}/{self.commit}/"


_MULTIAREA_DATA = "multiarea_model/data_multiarea/"
_RAW = _MULTIAREA_DATA + "raw_data/"

DATASETS = {
    "multiarea": Dataset(
        name="multiarea",
        description="anatomical data and connectivity of the multi-area model of macaque visual cortex",
        repository="https://github.com/INM-6/multi-area-model",
        commit="355d94042f4fe613e5602918082f5e667695932e",
        licence="CC BY-NC-SA 4.0",
        citation="Schmidt M, Bakker R, Hilgetag CC, Diesmann M, van Albada SJ (2018) Brain Struct Funct 223:1409",
        files={
            "viscortex_raw_data.json": DataFile(
                _MULTIAREA_DATA + "viscortex_raw_data.json",
                "1cb430c920ea732c3b22cd26b57cffc80fd13e0808fdc9f38f3bccc411d0d2d6", 655274),
            "viscortex_processed_data_backup.json": DataFile(
                _MULTIAREA_DATA + "viscortex_processed_data_backup.json",
                "074465ee137fdd94cad9c88360c83ba309954723cf55d0e8303af3777e76a042", 28372),
            "K_prime_original.npy": DataFile(
                "figures/SchueckerSchmidt2017/K_prime_original.npy",
                "cc970f6089dd1c997d7978c9fe6db44017cb478b7ad48e6963343d87fa9c3c58", 516208),
            "fullscale_rates.json": DataFile(
                "tests/fullscale_rates.json",
                "7eabe2ffcbe6890f8b86d36dbd20eeff2f3a82aa3e294129024d0fd182b43e73", 7952),
            "validation/M2E_pop_rates_ref.npy": DataFile(
                "M2E_pop_rates_ref.npy",
                "7927f914af6d97ed97dd0cb6ef85293bedfeba348eea74b081c2acdc63dd89ff", 2176),
            "validation/Fig8_exp_func_conn.csv": DataFile(
                "figures/Schmidt2018_dyn/Fig8_exp_func_conn.csv",
                "22b82150e2fbab2e09cb84df60ea69f500a0b8ed21141a78b889000436a75641", 316669),
            **{
                f"raw_data/{name}": DataFile(_RAW + name, sha256, size)
                for name, sha256, size in (
                    ("ArchitecturalTypes.csv", "0ddd0a66f2c3dec5add65734b6234b0b136e05cb77786209baba99ad94e93e45", 487),
                    ("BinzeggerData.csv", "7d811efdb3ac7ad49fd20bfb8bdba9c6d5c12bac3ec4e72202912762c592f3a1", 4092),
                    ("CoCoMac_complete_81.json", "13123c318e2c8ef2895533b1f8ca7ecb2216364b7d63087c346c3922ed96b71e", 91956),
                    ("CorticalThickness.csv", "471321e2fd96e220ca9d180b45b658e2be1d03d9765dfcc76030340eae8f3575", 796),
                    ("Euclidean_Distances.csv", "7c73d846270e42e684e7aa604bb79f5e16ea098f48d9290ea51dfd1a0d0e160c", 7148),
                    ("Intrinsic_Connectivity.csv", "9d0119cc25ac722e566df09c3c6df83da9bb35172f7badc8ec67bdfc50fd805c", 675),
                    ("Intrinsic_FLN_Data.csv", "4c2a04879841a96c0460fc857d0a0a941ec8facb30b59551a940e9f3c936870f", 231),
                    ("Laminar_Thickness_cat.csv", "ce6583d617f3866967649475cd28001a05c62014d60c6bd538065140bf2cbb01", 545),
                    ("Markov2014_FLN_rawdata.csv", "f81bec8f78bee8ca0b2b41feadaa731b10d8d5d7dfde57e7d8966867126c0351", 224199),
                    ("Markov2014_InjectionSites.csv", "2d369855d475ef4fa71ffa07c335d18239d977a1699f1c2a03516493463cce14", 2305),
                    ("Median_Distances_81areas.csv", "d160ae4b1921150e2ea5f2e5b09c46dff7f94c251daf5e87e4db5abbb88e4079", 86012),
                    ("NeuronalDensities_NeuN.csv", "dc82d2374217d6322aa785a19839269b0efa9df5df169ec1a525123719f7095b", 2440),
                    ("NeuronalDensities_Nissl.csv", "686544f2fe5441d27ae9c48fddbd660cfa20090e06016bd1f7d72e5b271a13d4", 1118),
                    ("Numbers_V1.csv", "6eea065e638cb564811de3eae87ceb0d59f38970cb22af41b9d6f4c254a88a5f", 469),
                    ("RData_prepared_logdensities.txt", "9946bdada0df1949f2aee509debd9e112012ba88ffcac6d24bc1aca1aa743ff1", 18044),
                    ("SLN_Data.csv", "daee5e4c64880b8c8b6891bd11c288f932d2e320e5ca7f64d4d1f3d89666c31f", 17074),
                    ("SchemeTranslation.csv", "68a771d2bffaab6ee24b808b063e2c2224aa05528a0120c64d1508b3dc5396ab", 382),
                    ("SynapticDensity_Cragg.csv", "4de57985802e50e6f321df310c246b11752f7cf53589ccd12659d9be79ea6cee", 174),
                    ("SynapticDensity_OKusky.csv", "6f2f6131b7b5743fb185f3d163d15a0e0f698dfcde93bdefba54be6446400746", 274),
                    ("Thom_Distances.csv", "b57142543b923950b79d6e8ad6fbc273592755381aa3415822a38b9b9c12aa80", 7226),
                    ("Thom_Distances_MERetal12.csv", "5a90eabfd744cb795f1aeeec580b686c17f18dece8a7bb1e3a61da03af737e5b", 116956),
                    ("cocomac_confirmative_studies.json", "3c1093a248a96ebe2849267228b937e578f65458d099cde95efafe5c1ec72d8f", 34080),
                    ("cocomac_negative_studies.json", "69e01ea742e927721251b1ea61125fc330e0b5d38e06e7f4c4a5001760a52d17", 33962),
                    ("cortical_surface.csv", "90cfad128b8629047514fd9e4b3e499b7aee950a0196e37e12ee4c9141e81b23", 409),
                    ("hierarchy_Markov.csv", "266416a2f695b2025dec74462f62cf6646931e2bf1f7b1fdccf53ce9d4d68360", 438),
                    ("hierarchy_Reid.csv", "9181bfd36e87b6ac3a6b3121bdb6b276faa0b609fed0bea743cc587ef168e774", 472),
                    ("laminar_thicknesses_macaque.csv", "826510dfb613d19e142cd162acc27b80428b5518b47a4de5950883243ddd234e", 31584),
                    ("overlap.json", "6b1085ba75bddb27ba37121a00cee4b22373b0984f795836423769daaa97d968", 19561),
                )
            },
        },
    ),
}


def data_root(root=None):
    """The cache root: `root`, else $ZOO_DATA_DIR, else ~/.cache/zoo (expanded, not created)."""
    chosen = root if root is not None else os.environ.get(ENV_ROOT) or DEFAULT_ROOT
    return Path(chosen).expanduser()


def dataset(name):
    """The :class:`Dataset` called `name`."""
    if name not in DATASETS:
        raise unknown("data set", name, DATASETS)
    return DATASETS[name]


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def require(name, files, root=None, base_url=None, download=True):
    """Local paths of `files` of data set `name`, downloading the missing ones; {file: Path}.

    Files present under ``<root>/<name>/`` are checked against their SHA-256; missing ones are
    downloaded from ``base_url`` (default: the upstream repository at the pinned commit) unless
    `download` is False. Any failure is one ZooError naming the files and where to put them.
    """
    return fetch(dataset(name), files, root, base_url, download)


def fetch(ds, files, root=None, base_url=None, download=True):
    """:func:`require` for a :class:`Dataset` given as such (zoo.originals keeps its own)."""
    name = ds.name
    for file in files:
        if file not in ds.files:
            raise unknown(f"file of {ds.kind} '{name}'", file, ds.files)
    directory = data_root(root) / name
    paths = {file: directory / file for file in files}
    missing = [file for file, path in paths.items() if not path.is_file()]
    for file, path in paths.items():
        if file not in missing:
            _verify(ds, file, path, f"{path} is not the published file")
    if missing and not download:
        raise ZooError(f"{ds.kind} '{name}' is not available here: {_where_to_put(ds, missing, directory)}")
    for position, file in enumerate(missing):
        try:
            _download(ds, file, paths[file], base_url or ds.base_url)
        except _Unreachable as err:
            raise ZooError(f"cannot download {ds.kind} '{name}' ({err}); "
                           f"{_where_to_put(ds, missing[position:], directory)}") from None
    return paths


def _where_to_put(ds, files, directory):
    """One sentence saying which files to copy where, for a machine without network."""
    listed = ", ".join(f"{file} (upstream {ds.files[file].upstream})" for file in files)
    return (f"without network, copy {listed} from {ds.repository} at commit {ds.commit[:7]} into {directory}/, "
            f"or set {ds.root_variable} to a directory that holds {ds.name}/")


class _Unreachable(Exception):
    """The server could not be reached at all (no network, refused, timed out)."""


def _verify(ds, file, path, problem):
    expected = ds.files[file].sha256
    found = sha256(path)
    if found != expected:
        raise ZooError(f"{problem}: {file} has SHA-256 {found[:12]}..., expected {expected[:12]}... "
                       f"({ds.name} at {ds.repository} commit {ds.commit[:7]}); delete it to download it again")


def _download(ds, file, path, base_url):
    """Fetch one file into a temporary name next to `path`, check it, then move it in place.

    Nothing is created on disk before the server has answered.
    """
    url = base_url.rstrip("/") + "/" + ds.files[file].upstream
    try:
        response = urllib.request.urlopen(url, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as err:
        raise ZooError(f"the server has no {file} of {ds.kind} '{ds.name}' (HTTP {err.code} for {url})") from None
    except (urllib.error.URLError, OSError) as err:
        raise _Unreachable(f"{url}: {getattr(err, 'reason', err)}") from None
    with response:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as out:
                while True:
                    try:
                        block = response.read(1 << 20)
                    except OSError as err:
                        raise _Unreachable(f"{url}: {err}") from None
                    if not block:
                        break
                    out.write(block)
            found = sha256(temporary)
            if found != ds.files[file].sha256:
                raise ZooError(f"checksum mismatch for {file} of {ds.kind} '{ds.name}' downloaded from {url}: "
                               f"SHA-256 {found[:12]}..., expected {ds.files[file].sha256[:12]}...; the download was discarded")
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)
