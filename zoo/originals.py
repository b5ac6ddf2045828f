"""The original code of a model, fetched like a data set: pinned commit, SHA-256 of every file, cache.

The zoo commits none of it (the licences differ from the zoo's, and a copy would drift from what
the authors published). :func:`require` returns the directory that holds a model's original code,
downloading what is missing from the upstream repository at the pinned commit as the data sets are
fetched (:mod:`zoo.datasets`), into ``<ZOO_ORIGINALS_DIR>/<model>/`` (default
``$ZOO_CACHE_DIR/originals``, else ``~/.cache/zoo/originals``), and refusing any file whose
checksum differs. A git submodule of the original (ntwk's ``utils/plot_tools``) is a part of its
own (:data:`SUBMODULES`), pinned at the commit the main repository pins, fetched into its folder.
Without network the one-line error says which files to copy from where; from clones, e.g.::

    git -C neural_network_dynamics archive 493623cf4f402ed6917710c8834a70247212895c ntwk utils README.md \\
        | tar -x -C ~/.cache/zoo/originals/zerlaut2018
    git -C plot_tools archive 02d92f1d992f0f3ea6bfd36b6e6413ca36963bef \\
        | tar -x -C ~/.cache/zoo/originals/zerlaut2018/utils/plot_tools

(extra files there are ignored; the listed ones must match). ``python -m zoo.originals MODEL``
fetches and checks, and prints the directory. The code runs unmodified, in a process of its own:
through the model's ``original.py`` as a validation arm (validation/originals.py), or in
benchmarks/ (zerlaut2018.py, fore2020.py, schmidt2018.py through the model's original.py); this module
knows only where the code lives.
"""

import os
from pathlib import Path

from . import datasets
from .errors import ZooError, unknown

ENV_ROOT = "ZOO_ORIGINALS_DIR"

_EI = "pynest/examples/EI_clustered_network/"
_MAM = "multiarea_model/"


def _files(prefix, listing, local=""):
    """{local + name: DataFile(prefix + name, ...)} for (name, sha256, size) rows: the path upstream
    is `prefix` + name, the path in the cache `local` + name (a submodule sits in a folder)."""
    return {local + name: datasets.DataFile(prefix + name, sha256, size) for name, sha256, size in listing}


def _code(**fields):
    """A :class:`zoo.datasets.Dataset` of original code, its cache moved by $ZOO_ORIGINALS_DIR."""
    return datasets.Dataset(kind="original code", root_variable=ENV_ROOT, **fields)


def _multiarea_data_at_upstream_paths():
    """The multiarea data set's files (zoo.datasets, one list of checksums) at their paths in the
    repository, where the reference code looks for them; the validation-only files are left out."""
    files = datasets.DATASETS["multiarea"].files
    return {f.upstream: f for name, f in files.items() if not name.startswith("validation/")}


ORIGINALS = {
    "rostami2020": _code(
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
    ),
    "zerlaut2018": _code(
        name="zerlaut2018",
        description="ntwk (yzerlaut/neural_network_dynamics) at the commit the model card cites: the files `import ntwk` "
                    "and its README example need (its utils/plot_tools submodule is a part of its own, SUBMODULES)",
        repository="https://github.com/yzerlaut/neural_network_dynamics",
        commit="493623cf4f402ed6917710c8834a70247212895c",
        licence="none stated in the repository at this commit (see upstream)",
        citation="Zerlaut Y, Chemla S, Chavane F, Destexhe A (2018) J Comput Neurosci 44:45-61",
        files=_files("", (
            ("README.md", "8907a488a9106495fa37f565d6a7ec06f3ae2b718a3e9e08e3b0f6045c0b20a8", 5811),
            ("ntwk/__init__.py", "9540244a7a1af41fa31a2de183b1b59782f74e4854f0c8706f226650acdd576a", 298),
            ("ntwk/__main__.py", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", 0),
            ("ntwk/analysis/Vm.py", "f35130e69d3f327649761809dcdc2909ba948f0636ea86b541d003f3651971e7", 2151),
            ("ntwk/analysis/__init__.py", "59a6d9587e915896b9c78763feed9786fd230b257882461d1bf34e65c433b386", 72),
            ("ntwk/analysis/cellular_quantities.py", "2633f5e8ac49cdf6348386653ce40f6630ff150a56e03da5b16a57b6b78d9687", 4777),
            ("ntwk/analysis/population_quantities.py", "fab4dbd7fd0faf3a5b3421db24bc3f35a917620e5933fdb624f51d17052acf34", 9403),
            ("ntwk/analysis/tools.py", "9e2ad2cff260185df14f0be9ce0eaaaf4b11e83c54a2ffcd25e9e62ea3ff3076", 1626),
            ("ntwk/build/__init__.py", "c5c7e116cdc55b3c2bb256e796aa8e3411193a7c71ce3431847191dad232976d", 638),
            ("ntwk/build/quick_run.py", "627f6377934f7d3ef72616f1f465c1c2753fa360799564d3eff74175681b07bd", 5009),
            ("ntwk/build/syn_and_connec_construct.py", "69d4198cec4be21f101def122da2cc72c54f1a71428bd2ca399d00c298e708c8", 18510),
            ("ntwk/build/syn_and_connec_library.py", "d61139e7a1d5f9a0405db83a9a2127e48d12fe0dc9ea03e7f9fd3c5fd9edc7fc", 3763),
            # `import ntwk` imports ntwk.configs, a folder without __init__.py: one file of it makes it exist
            ("ntwk/configs/RS-FS_2017/params.json", "51a595ce9d82f5a0e6e39a44ef53e4290e4b57a3cd9fb407e4b2a19e5c19e99a", 2298),
            ("ntwk/cells/__init__.py", "a4d85e00013df57a1c7e878320ad96b02850981dce24e2db799c4fe91e228d7e", 85),
            ("ntwk/cells/cell_construct.py", "68e1226dcaf98479ec1055fe47793b626709e9ca45c4340ea423bfaf02995c8f", 7692),
            ("ntwk/cells/cell_library.py", "ee1e3bf20654c38d0fe5d6cd6990c79b451348aeb717edbfe1bb71a3db5b1fa5", 3509),
            ("ntwk/cells/opto_with_step.py", "b3c96d6d90950554ce9234219e95bfb3c6bf4429b7730864865a236da818ba98", 3353),
            ("ntwk/cells/pulse_protocols.py", "18ac06a3d5abc469a952719058578cdb93d68e72bdeaa7d4183c96bbdd4278a0", 2932),
            ("ntwk/plots/__init__.py", "51c4350e0921334dc3533e6026e61557097e425f9a4068de0ec762780e8e4ff5", 71),
            ("ntwk/plots/ntwk_plots.py", "b8118108fb3b1e761d0e0004e046adf8444c6d06d2848ee19de2ac8d1c0649ef", 34591),
            ("ntwk/plots/tf_plots.py", "c1a1be727d55816c75d59d99a0184b90e2ea72d973208eaf347aa5a99e82ce12", 7517),
            ("ntwk/recording/__init__.py", "4458fe55064460e90d22128e58fcdea7e3e8faa2f56f3f7b87de3fe0343b6622", 79),
            ("ntwk/recording/hdf5.py", "353883023bba61fa156441fc98cd5ae1c69d308554aa0b5f1a9d992295f435f2", 5288),
            ("ntwk/recording/load_and_save.py", "e1825cb2f0f1116024530ca71b4ffb8e25514c7a7d88b1141446fde90634b97e", 3821),
            ("ntwk/scan/__init__.py", "4dfe3f967896be9481a380fc67c0e98cc56433f773b31c566eb7b068d1783b38", 66),
            ("ntwk/scan/get.py", "2f418f5a32d843c3889e752fa24ac9116b99330eee87786a96b863ed0e33f4f1", 1700),
            ("ntwk/scan/run.py", "e1a32df8a71b470c11a275d758f35988602ee67a815506fe77b8b8e49bdc5e94", 4898),
            ("ntwk/stim/__init__.py", "a0c903b7507043249ba3553efc2110c2e6995142e4256f3592b429b280bf7371", 192),
            ("ntwk/stim/connect_afferent_input.py", "92571e591e7c21147962359c3f2f7a8d1a53f17906668631a60d470e777197ed", 11087),
            ("ntwk/stim/poisson_generator.py", "4c24b19a4e784c2a9dcff2fcff8cf3441358fbfe1b512bdfcc89836639f4277d", 3694),
            ("ntwk/stim/waveform_library.py", "a5e82d64430f0c3b711cb8335bd9c7da940e70650ef9c6d3871e0b982855b912", 3582),
            ("ntwk/theory/FastMF.py", "3eba811e5aeafcfe5e1276337f44ff25698c031a33cb104e74b1a7db8f1ab279", 11353),
            ("ntwk/theory/Vm_statistics.py", "ae412530aee23e5267ecb23c4673c57f37fe13e216a62b7a9506184eb800ac01", 4996),
            ("ntwk/theory/__init__.py", "a88c8fbddc6a4d490d7a7a53f6a97e46f2f475d1ffda8aae88c190902ec04a65", 29),
            ("ntwk/theory/fitting_tf.py", "42f8025bd887c29d3f44dd9481bd9a838dddc3b890a1c7ef6a457f3ef2b9b796", 3145),
            ("ntwk/theory/mean_field.py", "238033c002529496d3d153d62318ac89e1023432ba632da8d67614098b9e3d74", 9083),
            ("ntwk/theory/probability.py", "83c34083c30788337a8adffeb8095d83caf27191d33dcb71e17faaa598b7f3fe", 688),
            ("ntwk/theory/psp_integrals.py", "55d7760912805d21bc34f5929a534790fc8bd192709c7b9f2ad21f12103f3a41", 891),
            ("ntwk/theory/spiking_function.py", "b5fbe180fc0667c3e39e8de0abcdeabc0bdb61bf40bcd8a8cc9749d70b50b0ae", 1979),
            ("ntwk/theory/tf.py", "93b8b649f25e0c7d4f542d18a932b751a266c45dec0c5db5597d98af71284a37", 2751),
            ("ntwk/transfer_functions/__init__.py", "d9b7cf60c3e1b5b4234a19c225e866bfa283922d08c8c9bcda21287d165cff64", 115),
            ("ntwk/transfer_functions/fast_adexp_sim.py", "b00fe30015c43aa13d5a912b430958630ca1ab059a6d6be813e31e181f0ba9c8", 8916),
            ("ntwk/transfer_functions/fit_3d_fluct_firing_response.py", "9bdf05cfc78435291572383d1d9a9868809d8e290f968ed568416cddd700534c", 10661),
            ("ntwk/transfer_functions/run_3d_fluct_space_charact.py", "3b9840a6b8f2ff11bb76e49705c92941ee4a3174b285c8acd665f01a714b74c8", 10398),
            ("ntwk/transfer_functions/single_cell_protocol.py", "383c08c5b3f9585f656b83ff45a6c0f271881c731effdd6e1eb9656adfb08f0e", 6793),
            ("utils/__init__.py", "d17d680d4c10af1cb6dbdafe33c01020d60e66af81884ebbdc4a55b42307ce94", 44),
            ("utils/hdf5.py", "082628a262df5e65f309ff142ae258ff769fc5b008164ff06048e48104a449ae", 6782),
            ("utils/matplotlib_style.py", "68fc9f540c4684be42467a0234c6a4ae1ad699f6defce9303794900016a90777", 43280),
            ("utils/params.py", "2c411292866cb1f0f8f0e97d5c2c325bc0644ac014bc07203777f45acc120ee8", 468),
            ("utils/signal_processing.py", "04b4dcd31e1b4845d6deae5b49e2ae38191afb8e65646a6eeb3b1d6f540b8981", 7736),
        )),
    ),
    "fore2020": _code(
        name="fore2020",
        description="trfore/ChATmodel at the commit the fore2020 card cites (tag v1.0 = main @ e5aea56): the one script "
                    "that builds and runs the model (it takes its trial count from CHAT_NUM_TRIAL), its licence and its "
                    "pinned requirements (Brian2 2.2.1, run here on the zoo's Brian2 2.9); models/fore2020/original.py "
                    "runs it for validation and benchmarks/fore2020.py",
        repository="https://github.com/trfore/chatmodel",
        commit="e5aea56db6e414d0914c0c793056ee4a5737e5bd",
        licence="MIT (LICENSE, fetched with the code)",
        citation="Fore TR, Taylor BN, Brunel N, Hull C (2020) J Neurosci 40(14):2882-2894",
        files=_files("", (
            ("LICENSE", "5dee45161f2ad1168c3c7fe26a705b0ae8674caefb16472bec46b778632e82d5", 1083),
            ("requirements.txt", "16f9cd28eb9d9ad155c3f27c187ae6b60f39a5cbb1353de01e7b50025f3926db", 288),
            ("run_simulation.py", "361bb0d45db2c83a961ec8c744d8d9413013255697d8d777eb270e957e102a1f", 17505),
        )),
    ),
    "schmidt2018": _code(
        name="schmidt2018",
        description="INM-6/multi-area-model: the multiarea_model package with its data pipeline and raw data, "
                    "the full-scale rates and K' used for down-scaling (what building and simulating need)",
        repository="https://github.com/INM-6/multi-area-model",
        commit="355d94042f4fe613e5602918082f5e667695932e",  # the data set's commit (zoo.datasets "multiarea")
        licence="CC BY-NC-SA 4.0",
        citation="Schmidt M, Bakker R, Shen K, Bezgin G, Diesmann M, van Albada SJ (2018) PLOS Comput Biol 14:e1006359",
        files={
            **_files(_MAM, (
                ("__init__.py", "7fd941ab65458c7dd222a6bc6b367e595d38d003b01c0c7539da88807799466d", 166),
                ("analysis.py", "8a9785c0deae1e5cf26d90fdee95c082c8ed359bb816f6497ad89e9f672d7524", 45104),
                ("analysis_helpers.py", "82a3265e2752ef9ccaa2a211089529779e43a28cbdf75779629a58409c84fa8d", 26365),
                ("default_params.py", "5ed78cb1ebb354e82351887febb56a4207ea500886d8f52aa3a13827be1cc4aa", 10512),
                ("multiarea_helpers.py", "8b22e4a30675a7fc66417b64478ff92091c00f731a41d55aa6633fabb1cf7204", 20272),
                ("multiarea_model.py", "0450bb947ba682693afc6c6e47f7212d971410e79115cc9e6fc13108d115494c", 13641),
                ("simulation.py", "efcb9d7fbe71eeda14e2c313f3f57ea0f9dafae52c1d9f3fc74791e202be4995", 31892),
                ("theory.py", "95ee1c81b2f64a744cd29ff51c28bc9fc31e87d65629fa6cb6b895bee585a59e", 19749),
                ("theory_helpers.py", "fbcaf9e7e77fcc41f5193e3da05abc456e817196e7a68514a606354597445c4c", 11046),
            ), local=_MAM),
            **_files(_MAM + "data_multiarea/", (
                ("Model.py", "b9c014c518a12251795e0f803eeb5eb9b012035ab7d5a4f3a3dc22c22d5b859a", 44479),
                ("VisualCortex_Data.py", "6d841ce0a8621457d848f5e920c7932dd4d8bde99294b9695ad25aaea1852382", 57118),
            ), local=_MAM + "data_multiarea/"),
            **_multiarea_data_at_upstream_paths(),
        },
    ),
}

# Parts of an original that live in other repositories (git submodules at the commit the main
# repository pins), fetched into the same directory: {model: (Dataset, ...)}.
SUBMODULES = {
    "zerlaut2018": (_code(
        name="zerlaut2018",
        description="yzerlaut/plot_tools, the utils/plot_tools submodule of ntwk at the commit ntwk 493623c pins",
        repository="https://github.com/yzerlaut/plot_tools",
        commit="02d92f1d992f0f3ea6bfd36b6e6413ca36963bef",
        licence="see the repository (LICENSE, not fetched)",
        citation="",
        files=_files("", (
            ("Notebook.py", "a6493d214199a447fc777081b28882e2b3cbedb1dbdd5722a1ab62067d982836", 1300),
            ("__init__.py", "ddf65ae467a12a71f27b6d5c390a5a4d4a2ebfd71e4d216ba943909333e3ee51", 1328),
            ("setup.py", "18c5c55817452583def3858fea24c0fb5916b00323cb7173afb366bce6083082", 1101),
            ("src/adjust_plots.py", "50aa5faeb6958c66f937655fa0ff4412f32501b271615ba3d780e0ccba66ff0a", 12718),
            ("src/annotations.py", "c8cd297f6720813aa82fc86b2ea9f95ff491ec7f254c73cfdad71293de285bd5", 11316),
            ("src/bar.py", "a045d3850ea3779ca34710df6659bf0bbb07f85025cd8596158dc223d0fba514", 5824),
            ("src/colors.py", "4505549cb8cba1a89d0d78fb18fe539505e6a7e9463962fb83c6feb5a6c22bff", 209),
            ("src/export.py", "f425f4b174266f95239af2e0a0766cbb4319dc3ccb14789798f33d2b40c1d6e8", 13083),
            ("src/figure.py", "16370f096e6e0568bc73924f96a8eb67ec71070ba8640813e81917ef17e76e6c", 11801),
            ("src/inset.py", "5ed4d08f7a135f0a040092778d82c5eaf0dc9df1beba2ace5b7b7b1c8395ce3f", 1154),
            ("src/legend.py", "47290068858810023c5cecce3746d356d5c355523893266edafd24fcd6633a4e", 9201),
            ("src/line.py", "6692c1ecee1188d7d6b4da2542fbd255ca6f3884d5d967ce131495d23493837a", 5670),
            ("src/morphologies.py", "be2ee5937f308276c413fc523d4fa7b5f8c8c40b632434d3b0b599a7a6b2b1f2", 12011),
            ("src/pie.py", "8d1ec41b527ac6668d2d61e6311b3e7d51008d93377c76337a17384bafccff34", 3369),
            ("src/scatter.py", "5cd6b6008bd4e7c0fa0624b578f7c14fb0c6de64544386cbe32e56af00358281", 5278),
            ("src/surface.py", "9e1905f47726cb30a9465cc3adb6abde27a4c02b2b7618e5ff85a064a57fda7f", 5558),
            ("src/time_freq.py", "f1ebf86a887fb7bf75e259ac4e51f5aa622d33735a9010eac5eb41c89a68f7e9", 3123),
            ("src/violin.py", "75e2dbcb9d817b6fc8b86f0e709f3efb499d36e23f90a14d0bbeceeea2ba41f1", 1559),
            ("style-sheets/dark.py", "e7f68ce9fbf694f595628b09c57ca5fb1da30a7d4692e3f39a916582992a6cd0", 42715),
            ("style-sheets/manuscript.py", "af3f4fb1304616c2cb31dae0b5699641cbf15d1dda73ba46fd146c5e13c5131f", 42727),
        ), local="utils/plot_tools/"),
    ),),
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


def parts(model):
    """Every :class:`zoo.datasets.Dataset` of `model`'s original code: its repository, then its submodules."""
    return (original(model), *SUBMODULES.get(model, ()))


def require(model, root=None, base_url=None, download=True):
    """The directory holding `model`'s original code, every file of every part checked (downloaded
    if missing). `base_url` (tests) replaces every part's upstream address."""
    for part in parts(model):
        datasets.fetch(part, list(part.files), cache_root(root), base_url, download)
    return cache_root(root) / model


def main(argv=None):
    """``python -m zoo.originals MODEL``: fetch and check MODEL's original code, print its directory."""
    import sys

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(f"usage: python -m zoo.originals MODEL (one of: {', '.join(ORIGINALS)})", file=sys.stderr)
        return 2
    try:
        print(require(argv[0]))
    except ZooError as err:
        print(f"python -m zoo.originals: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
