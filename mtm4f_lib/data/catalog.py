"""Every public source the loaders read: its folder, files, MD5s and a pinned download address.

Each :class:`Source` is one folder of the data directory. Its files come either from a zip archive
(``archive``: the archive's path on its host, ``member_prefix``: their folder inside it) or one by
one (``remote``: each file's path on its host). Hosts are named, so a mirror (or a local test
server) replaces a host's base URL: ``base_urls={"github": "http://127.0.0.1:8000/github"}`` or
``MTM4F_SOURCE_URLS="grouplens=http://...,github=http://..."``. GitHub addresses are pinned to a
commit, so they serve exactly the bytes the MD5s name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..errors import DataError

URLS_ENV = "MTM4F_SOURCE_URLS"
HOSTS = {
    "grouplens": "https://files.grouplens.org/datasets/movielens",
    "github": "https://raw.githubusercontent.com",
}


@dataclass(frozen=True)
class Source:
    """One data folder and where its files come from."""

    folder: str
    description: str
    host: str
    md5: dict[str, str | tuple[str, ...]]
    archive: str | None = None
    member_prefix: str = ""
    remote: dict[str, str] = field(default_factory=dict)

    def expected(self, name: str) -> tuple[str, ...]:
        value = self.md5[name]
        return value if isinstance(value, tuple) else (value,)


COMP90049 = "Hadryan/Romance-or-Thriller-Movie-Genre-Prediction-from-Audio-Visual-and-Text-Features/41e7e745023d7f428a8511ef955765b9926e4a77"
VILLA = "RecSys-lab/reproducibility_data/398da14c1245916be0d81f07d5a4d692ef963351"
DASHBOARD = "yamkb02/movielens-20m-dashboard/1eee46620c08e45071cd050d1ecadf7e88b6f6bb/ml-20m"
IVEC = "fused_llm_mmtf_audio_IVec_splitItem_fold_1_gmm_{}.csv"

SOURCES: tuple[Source, ...] = (
    Source(
        "ml-100k",
        "MovieLens-100K (GroupLens ml-100k.zip)",
        "grouplens",
        {
            "README": "364aae5a5037ed015864d55c04f1f476",
            "allbut.pl": "7111b21765584d73b2c0c446f3213013",
            "mku.sh": "65560d0b2f71ce70d1fadd266d9afcce",
            "u.data": "6e47046882bad158b0efbb84cd5cb987",
            "u.genre": "a7578bdb37758741ae9429d2c736af18",
            "u.info": "6cae0afd8c0341aff31b631a192e57e6",
            "u.item": "c9e7f390115d79079537301d5204f3f7",
            "u.occupation": "035abaa2165f35cebce4b91e03481e0a",
            "u.user": "1b53539edc13caad0282c8500608a319",
            "u1.base": "4325f44281c9f8c119a3694662d63fc2",
            "u1.test": "62d5d837e7c8e36550cc956b09c2ecc8",
            "u2.base": "79541afecccbd5365bb2c09b123a01c7",
            "u2.test": "1951a71b7e1f4ed254508007fa2f6b70",
            "u3.base": "55c67a63f516fa9e593d68c3be779970",
            "u3.test": "cb3e4d0a9152041772285232ca002d4f",
            "u4.base": "66f64a75eeeffd20ff09533bcd31adcf",
            "u4.test": "328acfca94e85d01b1d7e92c7d73df3b",
            "u5.base": "0becb3392339231c08ba316944c79095",
            "u5.test": "bec898f7091dba3b7bdf793d1998d2d6",
            "ua.base": "346eb46a756be3b382bdef4f7dcf3a01",
            "ua.test": "52e5d0355092dc1596899855b220508f",
            "ub.base": "e4ce94f6e01e45f65b91a70bb9e8da2f",
            "ub.test": "5292d1e388d156aa0c19c384cdf35aca",
        },
        archive="ml-100k.zip",
        member_prefix="ml-100k/",
    ),
    Source(
        "ml-latest-small",
        "MovieLens latest-small, September 2018 release (GroupLens ml-latest-small.zip)",
        "grouplens",
        {
            "README.txt": "9bc20a696092024abe52696ee6c5837f",
            "links.csv": "bc5292d5185e8c5fd8dc9a83fb2198d2",
            "movies.csv": "b252328d16b085936b56eefad880ef9d",
            # Two accepted copies: one with an extra appended row for a movie that does not exist
            # (user 999, movie 999999), and the same file without it (100,836 ratings, GroupLens' count).
            # The loader drops ratings of unknown movies either way.
            "ratings.csv": ("3368dd46cc2af83119cef132d9c7b54a", "ac0cf1d26aed3a5b6777a295231976ad"),
            "tags.csv": "5d095828cb668ec2fae1e2cf0d99c671",
        },
        archive="ml-latest-small.zip",
        member_prefix="ml-latest-small/",
    ),
    Source(
        "imdb-ml100k",
        "IMDb plots and metadata of the ML-100K movies (manfredmichael/movielens-details)",
        "github",
        {
            "movielens100k_details.csv": "c234bc12a4ee0653fb237dea2db9b82c",
        },
        remote={"movielens100k_details.csv": "manfredmichael/movielens-details/deca05a31f7d5a53a75a3ac335d4dfc5e9d9ea63/movielens100k_details.csv"},
    ),
    Source(
        "mmtf14k/comp90049",
        "MMTF-14K trailer features, aesthetic visual + i-vector audio (COMP90049 release, NEW_data.zip)",
        "github",
        {
            "README": "1b3cc5ee998c6fac9034588dc8d81a03",
            "train_features.tsv": "b9857e802ba2f4b7505026332a64e910",
            "train_labels.tsv": "84be6c92f1302ee505289acafc44bd82",
            "valid_features.tsv": "a994f19f610bc28fcebdcb43c6ac27b5",
            "valid_labels.tsv": "c4b45c305939f9d09bfd6a78dcff2c83",
            "test_features.tsv": "635e6602469eff2eb8bcd955aa9f94a8",
        },
        archive=f"{COMP90049}/NEW_data.zip",
        member_prefix="data/",
    ),
    Source(
        "mmtf14k/villa",
        "MMTF-14K trailer features (RecSys-lab reproducibility_data)",
        "github",
        {
            "LICENSE": "86d3f3a95c324c9479bd8986968f4327",
            IVEC.format("256_tvDim_100"): "b2489f28985c6419efecd22570270488",
            IVEC.format("512_tvDim_40"): "41cb9b497e1ed984d47e2decc95586b6",
            "fused_llm_mmtf_avf_avg.csv": "02068f7cdad8c87f3c722aeec0df0a51",
            "fused_llm_mmtf_avf_med.csv": "4fdd71a85f52c78e6ea1c2863d525baa",
            "mmtf_movie_list.csv": "58a6c99b1b8a4bf45782d5d34c2f4f9e",
        },
        remote={
            "LICENSE": f"{VILLA}/LICENSE",
            IVEC.format("256_tvDim_100"): f"{VILLA}/fused_textual_audio/i-vector/{IVEC.format('256_tvDim_100')}",
            IVEC.format("512_tvDim_40"): f"{VILLA}/fused_textual_audio/i-vector/{IVEC.format('512_tvDim_40')}",
            "fused_llm_mmtf_avf_avg.csv": f"{VILLA}/fused_textual_visual/fused_llm_mmtf_avf_avg.csv",
            "fused_llm_mmtf_avf_med.csv": f"{VILLA}/fused_textual_visual/fused_llm_mmtf_avf_med.csv",
            "mmtf_movie_list.csv": f"{VILLA}/mmtf_thumbnails/mmtf_movie_list.csv",
        },
    ),
    Source(
        "movielens-links",
        "MovieLens-20M titles and trailer ids (movies.csv, links.csv, ml-youtube.csv) for the title + year join",
        "github",
        {
            "links.csv": "f11368e80518e8426790e30b69abc1c5",
            "ml-youtube.csv": "87474e57671d1bda0a9b0daab5acc743",
            "movies.csv": "6f5a07400f2187edeab0b5355afe0d88",
        },
        remote={
            "links.csv": f"{DASHBOARD}/links.csv",
            "movies.csv": f"{DASHBOARD}/movies.csv",
            "ml-youtube.csv": "aniket-somwanshi/movie-recommender/6e1e2ff74a12060d17e1a3a6fdf6cbe34477fb7c/ml-youtube.csv",
        },
    ),
)
SOURCE_OF = {s.folder: s for s in SOURCES}
MD5 = {f"{s.folder}/{name}": s.expected(name) for s in SOURCES for name in s.md5}


def base_urls(overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Each host's base URL: the defaults, then ``$MTM4F_SOURCE_URLS`` (``host=url,...``), then ``overrides``."""
    urls = dict(HOSTS)
    for part in filter(None, os.environ.get(URLS_ENV, "").split(",")):
        host, sep, url = part.partition("=")
        if not sep or host.strip() not in HOSTS:
            raise DataError(f"{URLS_ENV} must read 'host=url,...' with hosts among {list(HOSTS)}; got {part!r}.")
        urls[host.strip()] = url.strip()
    urls.update(overrides or {})
    return {host: url.rstrip("/") for host, url in urls.items()}


def source_of(relative: str) -> Source:
    """The source a data file (path relative to the data directory) belongs to."""
    folder = relative.rsplit("/", 1)[0]
    if folder not in SOURCE_OF:
        raise DataError(f"{relative} is not a file of any known source; known folders: {list(SOURCE_OF)}.")
    return SOURCE_OF[folder]
