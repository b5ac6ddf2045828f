"""The original code of a model, fetched like a data set: pinned commit, SHA-256 of every file, cache.

The zoo commits none of it (the licences differ from the zoo's, and a copy would drift from what
the authors published). :func:`require` returns the directory that holds a model's original code,
downloading what is missing from the upstream repository at the pinned commit as the data sets are
fetched (:mod:`zoo.datasets`), into ``<ZOO_ORIGINALS_DIR>/<model>/`` (default
``$ZOO_CACHE_DIR/originals``, else ``~/.cache/zoo/originals``), and refusing any file whose
checksum differs. Without network the one-line error says which files to
copy from where. The code runs unmodified, in a process of its own, through the model's
``original.py`` (validation/originals.py); this module knows only where the code lives.
"""

import os
from pathlib import Path

from . import datasets
from .errors import unknown

ENV_ROOT = "ZOO_ORIGINALS_DIR"

_EI = "pynest/examples/EI_clustered_network/"
_MAM = "multiarea_model/"


def _files(prefix, listing):
    return {name: datasets.DataFile(prefix + name, sha256, size) for name, sha256, size in listing}


def _tree(prefix, listing):
    """Files kept at their paths in the repository (code that finds its data relative to itself)."""
    return {prefix + name: datasets.DataFile(prefix + name, sha256, size) for name, sha256, size in listing}


ORIGINALS = {
    "rostami2020": datasets.Dataset(
        name="rostami2020",
        description="NEST's PyNEST example EI_clustered_network at the v3.10 tag, the reference implementation",
        repository="https://github.com/nest/nest-simulator",
        commit="acca9704da248750219a027db99fec6cd1f9052a",  # tag v3.10
        licence="GPL-2.0-or-later",
        citation="Rostami V, Rost T, Schmitt FJ, van Albada SJ, Riehle A, Nawrot MP (2024) Nat Commun 15:6304; "
                 "NEST Initiative, nest-simulator 3.10",
        files=_files(_EI, (
            ("helper.py", "7cee586a5afecaea0c73f194bbd41dd0edc1e671cbadc03727aa6f8b74b75474", 6144),
            ("network.py", "713316e2eeb2cfe5cd5440d43d955d1ed6aa66f5a81128a94d3fc7198f28e868", 32499),
            ("network_params.py", "7bdc51e633e0ff6edb295b8b9ce7f006f2c766962db23f40f19db36733f27fc1", 3625),
            ("run_simulation.py", "a15e6606e2e6afa48b747fc27c4c7bf6cc1b4938fc055331e1a7d180a3a22be2", 2024),
            ("sim_params.py", "4de82ca11875cceeaedfe2aeb83b2a1069f519c027687b1f394d05496715d0d8", 1251),
            ("stimulus_params.py", "d1eceb9e4633aaea761cf92392a8fe6631d747c81f6f59b44c28047a6106dbfd", 1309),
        )),
        kind="original code",
        root_variable=ENV_ROOT,
    ),
    "schmidt2018": datasets.Dataset(
        name="schmidt2018",
        description="INM-6/multi-area-model: the multiarea_model package with its data pipeline and raw data, "
                    "the full-scale rates and K' used for down-scaling (what building and simulating need)",
        repository="https://github.com/INM-6/multi-area-model",
        commit="355d94042f4fe613e5602918082f5e667695932e",  # the data set's commit (zoo.datasets "multiarea")
        licence="CC BY-NC-SA 4.0",
        citation="Schmidt M, Bakker R, Shen K, Bezgin G, Diesmann M, van Albada SJ (2018) PLOS Comput Biol 14:e1006359",
        files={
            **_tree(_MAM, (
                ("__init__.py", "7fd941ab65458c7dd222a6bc6b367e595d38d003b01c0c7539da88807799466d", 166),
                ("analysis.py", "8a9785c0deae1e5cf26d90fdee95c082c8ed359bb816f6497ad89e9f672d7524", 45104),
                ("analysis_helpers.py", "82a3265e2752ef9ccaa2a211089529779e43a28cbdf75779629a58409c84fa8d", 26365),
                ("default_params.py", "5ed78cb1ebb354e82351887febb56a4207ea500886d8f52aa3a13827be1cc4aa", 10512),
                ("multiarea_helpers.py", "8b22e4a30675a7fc66417b64478ff92091c00f731a41d55aa6633fabb1cf7204", 20272),
                ("multiarea_model.py", "0450bb947ba682693afc6c6e47f7212d971410e79115cc9e6fc13108d115494c", 13641),
                ("simulation.py", "efcb9d7fbe71eeda14e2c313f3f57ea0f9dafae52c1d9f3fc74791e202be4995", 31892),
                ("theory.py", "95ee1c81b2f64a744cd29ff51c28bc9fc31e87d65629fa6cb6b895bee585a59e", 19749),
                ("theory_helpers.py", "fbcaf9e7e77fcc41f5193e3da05abc456e817196e7a68514a606354597445c4c", 11046),
            )),
            **_tree(_MAM + "data_multiarea/", (
                ("Model.py", "b9c014c518a12251795e0f803eeb5eb9b012035ab7d5a4f3a3dc22c22d5b859a", 44479),
                ("VisualCortex_Data.py", "6d841ce0a8621457d848f5e920c7932dd4d8bde99294b9695ad25aaea1852382", 57118),
                ("viscortex_processed_data_backup.json",
                 "074465ee137fdd94cad9c88360c83ba309954723cf55d0e8303af3777e76a042", 28372),
                ("viscortex_raw_data.json", "1cb430c920ea732c3b22cd26b57cffc80fd13e0808fdc9f38f3bccc411d0d2d6", 655274),
            )),
            **_tree(_MAM + "data_multiarea/raw_data/", (
                ("ArchitecturalTypes.csv", "0ddd0a66f2c3dec5add65734b6234b0b136e05cb77786209baba99ad94e93e45", 487),
                ("BinzeggerData.csv", "7d811efdb3ac7ad49fd20bfb8bdba9c6d5c12bac3ec4e72202912762c592f3a1", 4092),
                ("CoCoMac_complete_81.json", "13123c318e2c8ef2895533b1f8ca7ecb2216364b7d63087c346c3922ed96b71e", 91956),
                ("CorticalThickness.csv", "471321e2fd96e220ca9d180b45b658e2be1d03d9765dfcc76030340eae8f3575", 796),
                ("Euclidean_Distances.csv", "7c73d846270e42e684e7aa604bb79f5e16ea098f48d9290ea51dfd1a0d0e160c", 7148),
                ("Intrinsic_Connectivity.csv", "9d0119cc25ac722e566df09c3c6df83da9bb35172f7badc8ec67bdfc50fd805c", 675),
                ("Intrinsic_FLN_Data.csv", "4c2a04879841a96c0460fc857d0a0a941ec8facb30b59551a940e9f3c936870f", 231),
                ("Laminar_Thickness_cat.csv", "ce6583d617f3866967649475cd28001a05c62014d60c6bd538065140bf2cbb01", 545),
                ("Markov2014_FLN_rawdata.csv",
                 "f81bec8f78bee8ca0b2b41feadaa731b10d8d5d7dfde57e7d8966867126c0351", 224199),
                ("Markov2014_InjectionSites.csv",
                 "2d369855d475ef4fa71ffa07c335d18239d977a1699f1c2a03516493463cce14", 2305),
                ("Median_Distances_81areas.csv",
                 "d160ae4b1921150e2ea5f2e5b09c46dff7f94c251daf5e87e4db5abbb88e4079", 86012),
                ("NeuronalDensities_NeuN.csv",
                 "dc82d2374217d6322aa785a19839269b0efa9df5df169ec1a525123719f7095b", 2440),
                ("NeuronalDensities_Nissl.csv",
                 "686544f2fe5441d27ae9c48fddbd660cfa20090e06016bd1f7d72e5b271a13d4", 1118),
                ("Numbers_V1.csv", "6eea065e638cb564811de3eae87ceb0d59f38970cb22af41b9d6f4c254a88a5f", 469),
                ("RData_prepared_logdensities.txt",
                 "9946bdada0df1949f2aee509debd9e112012ba88ffcac6d24bc1aca1aa743ff1", 18044),
                ("SLN_Data.csv", "daee5e4c64880b8c8b6891bd11c288f932d2e320e5ca7f64d4d1f3d89666c31f", 17074),
                ("SchemeTranslation.csv", "68a771d2bffaab6ee24b808b063e2c2224aa05528a0120c64d1508b3dc5396ab", 382),
                ("SynapticDensity_Cragg.csv", "4de57985802e50e6f321df310c246b11752f7cf53589ccd12659d9be79ea6cee", 174),
                ("SynapticDensity_OKusky.csv", "6f2f6131b7b5743fb185f3d163d15a0e0f698dfcde93bdefba54be6446400746", 274),
                ("Thom_Distances.csv", "b57142543b923950b79d6e8ad6fbc273592755381aa3415822a38b9b9c12aa80", 7226),
                ("Thom_Distances_MERetal12.csv",
                 "5a90eabfd744cb795f1aeeec580b686c17f18dece8a7bb1e3a61da03af737e5b", 116956),
                ("cocomac_confirmative_studies.json",
                 "3c1093a248a96ebe2849267228b937e578f65458d099cde95efafe5c1ec72d8f", 34080),
                ("cocomac_negative_studies.json",
                 "69e01ea742e927721251b1ea61125fc330e0b5d38e06e7f4c4a5001760a52d17", 33962),
                ("cortical_surface.csv", "90cfad128b8629047514fd9e4b3e499b7aee950a0196e37e12ee4c9141e81b23", 409),
                ("hierarchy_Markov.csv", "266416a2f695b2025dec74462f62cf6646931e2bf1f7b1fdccf53ce9d4d68360", 438),
                ("hierarchy_Reid.csv", "9181bfd36e87b6ac3a6b3121bdb6b276faa0b609fed0bea743cc587ef168e774", 472),
                ("laminar_thicknesses_macaque.csv",
                 "826510dfb613d19e142cd162acc27b80428b5518b47a4de5950883243ddd234e", 31584),
                ("overlap.json", "6b1085ba75bddb27ba37121a00cee4b22373b0984f795836423769daaa97d968", 19561),
            )),
            **_tree("", (
                ("figures/SchueckerSchmidt2017/K_prime_original.npy",
                 "cc970f6089dd1c997d7978c9fe6db44017cb478b7ad48e6963343d87fa9c3c58", 516208),
                ("tests/fullscale_rates.json",
                 "7eabe2ffcbe6890f8b86d36dbd20eeff2f3a82aa3e294129024d0fd182b43e73", 7952),
            )),
        },
        kind="original code",
        root_variable=ENV_ROOT,
    ),
}


def original(model):
    """The :class:`zoo.datasets.Dataset` of `model`'s original code."""
    if model not in ORIGINALS:
        raise unknown("model with original code here", model, ORIGINALS)
    return ORIGINALS[model]


def cache_root(root=None):
    """`root`, else $ZOO_ORIGINALS_DIR, else $ZOO_CACHE_DIR/originals, else ~/.cache/zoo/originals."""
    if root is not None:
        return Path(root).expanduser()
    if os.environ.get(ENV_ROOT):
        return Path(os.environ[ENV_ROOT]).expanduser()
    return Path(os.environ.get("ZOO_CACHE_DIR") or Path.home() / ".cache" / "zoo").expanduser() / "originals"


def require(model, root=None, base_url=None, download=True):
    """The directory holding `model`'s original code, every file checked (downloaded if missing)."""
    code = original(model)
    datasets.fetch(code, list(code.files), cache_root(root), base_url, download)
    return cache_root(root) / code.name
