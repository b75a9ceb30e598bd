"""MD5 of every public data file the loaders read, relative to the data directory."""

MD5: dict[str, str | tuple[str, ...]] = {
    "ml-100k/u.data": "6e47046882bad158b0efbb84cd5cb987",
    "ml-100k/u.genre": "a7578bdb37758741ae9429d2c736af18",
    "ml-100k/u.item": "c9e7f390115d79079537301d5204f3f7",
    "ml-100k/u.user": "1b53539edc13caad0282c8500608a319",
    "ml-100k/u1.base": "4325f44281c9f8c119a3694662d63fc2",
    "ml-100k/u1.test": "62d5d837e7c8e36550cc956b09c2ecc8",
    "ml-latest-small/links.csv": "bc5292d5185e8c5fd8dc9a83fb2198d2",
    "ml-latest-small/movies.csv": "b252328d16b085936b56eefad880ef9d",
    # Two accepted copies: one with an extra appended row for a movie that does not exist
    # (user 999, movie 999999), and the same file without it (100,836 ratings, GroupLens' count).
    # The loader drops ratings of unknown movies either way.
    "ml-latest-small/ratings.csv": ("3368dd46cc2af83119cef132d9c7b54a", "ac0cf1d26aed3a5b6777a295231976ad"),
    "ml-latest-small/tags.csv": "5d095828cb668ec2fae1e2cf0d99c671",
    "imdb-ml100k/movielens100k_details.csv": "c234bc12a4ee0653fb237dea2db9b82c",
    "mmtf14k/comp90049/train_features.tsv": "b9857e802ba2f4b7505026332a64e910",
    "mmtf14k/comp90049/valid_features.tsv": "a994f19f610bc28fcebdcb43c6ac27b5",
    "mmtf14k/comp90049/test_features.tsv": "635e6602469eff2eb8bcd955aa9f94a8",
    "mmtf14k/villa/fused_llm_mmtf_avf_med.csv": "4fdd71a85f52c78e6ea1c2863d525baa",
    "mmtf14k/villa/fused_llm_mmtf_audio_IVec_splitItem_fold_1_gmm_512_tvDim_40.csv": "41cb9b497e1ed984d47e2decc95586b6",
    "mmtf14k/villa/fused_llm_mmtf_audio_IVec_splitItem_fold_1_gmm_256_tvDim_100.csv": "b2489f28985c6419efecd22570270488",
    "movielens-links/movies.csv": "6f5a07400f2187edeab0b5355afe0d88",
    "movielens-links/ml-youtube.csv": "87474e57671d1bda0a9b0daab5acc743",
}

# Folders that GroupLens publishes as archives, so a machine with internet can fetch them.
ARCHIVES: dict[str, str] = {
    "ml-100k": "https://files.grouplens.org/datasets/movielens/ml-100k.zip",
    "ml-latest-small": "https://files.grouplens.org/datasets/movielens/ml-latest-small.zip",
}

# What each folder is and where a user gets it (for messages and `mtm4f data check`).
FOLDERS: dict[str, str] = {
    "ml-100k": "MovieLens-100K (GroupLens, downloaded automatically with internet)",
    "ml-latest-small": "MovieLens latest-small (GroupLens, downloaded automatically with internet)",
    "imdb-ml100k": "IMDb plots/metadata for ML-100K movies (movielens100k_details.csv, repository manfredmichael/movielens-details)",
    "mmtf14k/comp90049": "MMTF-14K trailer features, aesthetic visual + i-vector audio (COMP90049 release of MMTF-14K)",
    "mmtf14k/villa": "MMTF-14K trailer features (RecSys-lab reproducibility_data release)",
    "movielens-links": "MovieLens-20M titles and trailer ids (movies.csv, ml-youtube.csv) for the title+year join",
}
