import wave

import numpy as np
import pytest
import torch

from mtm4f_lib.embeddings.media import (
    AudioEncoder,
    VideoEncoder,
    audio_embeddings,
    key_frames_from_folder,
    media_paths,
    parse_srt,
    read_key_frames,
    read_srt,
    read_waveform,
    representative_frames,
    select_key_frames,
    srt_embeddings_from_folder,
    standardize_waveform,
    subtitle_text,
    subtitle_texts_from_folder,
    video_embeddings,
    waveforms_from_folder,
)
from mtm4f_lib.errors import MTM4FError

COLOURS = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255]], np.uint8)
GOP = 8


def write_video(path, n_frames, colour_offset=0, seed=0):
    """mpeg4 video, 64 px, an I-frame every GOP frames; the colour changes with each GOP, cycling through 5."""
    import av

    rng = np.random.default_rng(seed)
    with av.open(str(path), "w") as out:
        stream = out.add_stream("mpeg4", rate=25, options={"sc_threshold": "1000000000"})  # I-frames only at GOP starts
        stream.width = stream.height = 64
        stream.pix_fmt = "yuv420p"
        stream.codec_context.gop_size = GOP
        for i in range(n_frames):
            image = np.clip(COLOURS[(i // GOP + colour_offset) % 5] + rng.integers(-10, 10, (64, 64, 3)), 0, 255).astype(np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def write_wav(path, seconds, rate=8000, channels=1, freq=440.0):
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.5 * np.sin(2 * np.pi * freq * t) * 32767).astype(np.int16)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(np.repeat(samples, channels).tobytes())
    return path


def dominant(frames_chw):
    """Index in COLOURS of each channels-first frame's mean colour."""
    means = frames_chw.reshape(len(frames_chw), 3, -1).mean(axis=2)
    return np.argmin(((means[:, None, :] - COLOURS[None].astype(float)) ** 2).sum(axis=2), axis=1)


SRT = (
    "\ufeff1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i> there,\r\nGeneral Kenobi.\r\n\r\n"
    "2\r\n00:00:03,000 --> 00:00:04,000\r\n{\\an8}You are a <b>bold</b> one.\r\n\r\n"
    "00:01:00.5 --> 00:01:01.250\r\nNo index here.\r\n"
)


def test_reads_every_iframe_and_only_iframes(tmp_path):
    import av

    path = write_video(tmp_path / "a.mp4", 10 * GOP)
    with av.open(str(path)) as container:
        flags = [frame.key_frame for frame in container.decode(video=0)]
    assert len(flags) == 10 * GOP and sum(flags) == 10
    frames = read_key_frames(path, size=32)
    assert frames.shape == (10, 32, 32, 3) and frames.dtype == np.uint8
    assert list(dominant(frames.transpose(0, 3, 1, 2))) == [0, 1, 2, 3, 4] * 2


def test_kmeans_picks_k_distinct_representative_frames(tmp_path):
    frames = read_key_frames(write_video(tmp_path / "a.mp4", 10 * GOP), size=32)
    chosen = select_key_frames(frames, k=5, seed=0)
    assert len(set(chosen)) == 5 and list(chosen) == sorted(chosen)
    assert sorted(dominant(frames[chosen].transpose(0, 3, 1, 2))) == [0, 1, 2, 3, 4]
    np.testing.assert_array_equal(chosen, select_key_frames(frames, k=5, seed=0))
    duplicates = np.repeat(frames[:1], 7, axis=0)
    assert len(set(select_key_frames(duplicates, k=5))) == 5


def test_fewer_iframes_than_k_are_repeated_in_time_order(tmp_path):
    path = write_video(tmp_path / "short.mp4", 3 * GOP)
    frames = read_key_frames(path, size=16)
    assert len(frames) == 3
    np.testing.assert_array_equal(select_key_frames(frames, k=5), [0, 0, 1, 1, 2])
    chosen = representative_frames(path, k=5, size=16)
    assert chosen.shape == (5, 3, 16, 16)
    assert list(dominant(chosen)) == [0, 0, 1, 1, 2]


def test_folder_availability_missing_and_broken_files(tmp_path):
    write_video(tmp_path / "1.mp4", 6 * GOP)
    write_video(tmp_path / "3.mkv", 2 * GOP, colour_offset=2)
    (tmp_path / "4.mp4").write_bytes(b"not a video")
    assert media_paths(tmp_path, [1, 2], (".mp4",))[1] is None
    with pytest.warns(UserWarning, match="1 video file"):
        frames, available = key_frames_from_folder(tmp_path, [1, 2, 3, 4], k=5, size=16, progress=False)
    assert frames.shape == (4, 5, 3, 16, 16)
    assert list(available) == [True, False, True, False]
    assert not frames[1].any() and not frames[3].any()
    assert list(dominant(frames[2])) == [2, 2, 2, 3, 3]
    with pytest.raises(MTM4FError, match="does not exist"):
        key_frames_from_folder(tmp_path / "nowhere", [1])
    with pytest.raises(MTM4FError, match="Could not decode"):
        read_key_frames(tmp_path / "4.mp4")


def test_video_encoder_dimensions():
    torch.manual_seed(0)
    out = VideoEncoder().eval()(torch.zeros((2, 5, 3, 64, 64), dtype=torch.uint8))
    assert out.shape == (2, 231)
    assert VideoEncoder(k=3, size=32, out_dim=10).eval()(torch.rand(4, 3, 3, 32, 32)).shape == (4, 10)
    with pytest.raises(MTM4FError, match="too small"):
        VideoEncoder(size=4)


def test_video_embeddings_train_on_ratings_and_are_seeded(synthetic, tmp_path):
    for raw_id in synthetic.items["raw_id"][:12]:
        write_video(tmp_path / f"{raw_id}.mp4", 6 * GOP, colour_offset=int(raw_id), seed=int(raw_id))
    options = dict(k=5, size=16, seed=0, epochs=2, progress=False)
    first = video_embeddings(synthetic, tmp_path, **options)
    assert first.shape == (synthetic.n_items, 231)
    assert np.isfinite(first[:12]).all() and np.isnan(first[12:]).all()
    np.testing.assert_array_equal(first, video_embeddings(synthetic, tmp_path, **options))


def test_waveform_decoding_resampling_and_mono(tmp_path):
    mono = read_waveform(write_wav(tmp_path / "a.wav", 1.0), sample_rate=8000)
    assert mono.dtype == np.float32 and len(mono) == 8000
    assert abs(float(np.abs(mono).max()) - 0.5) < 0.02
    assert abs(len(read_waveform(tmp_path / "a.wav", sample_rate=16000)) - 16000) <= 64
    stereo = read_waveform(write_wav(tmp_path / "b.wav", 0.5, channels=2), sample_rate=8000)
    assert stereo.ndim == 1 and len(stereo) == 4000


def test_standardize_crops_centre_pads_end_and_scales():
    cropped = standardize_waveform(np.arange(10.0), 4)
    np.testing.assert_allclose(cropped, (np.arange(3.0, 7.0) - 4.5) / np.arange(3.0, 7.0).std(), rtol=1e-6)
    padded = standardize_waveform(np.arange(10.0), 12)
    assert padded.shape == (12,) and (padded[10:] == 0).all()
    assert abs(padded[:10].mean()) < 1e-6 and abs(padded[:10].std() - 1) < 1e-5
    assert (standardize_waveform(np.ones(5), 5) == 0).all()
    with pytest.raises(MTM4FError, match="non-empty"):
        standardize_waveform(np.zeros(0), 5)


def test_audio_folder_and_embeddings(synthetic, tmp_path):
    for raw_id in synthetic.items["raw_id"][:10]:
        write_wav(tmp_path / f"{raw_id}.wav", 0.4, freq=100.0 * int(raw_id))
    waves, available = waveforms_from_folder(tmp_path, synthetic.items["raw_id"], sample_rate=8000, seconds=0.5, progress=False)
    assert waves.shape == (synthetic.n_items, 4000) and available.sum() == 10 and available[:10].all()
    assert (waves[:10, 3200:] == 0).all() and abs(waves[0, :3200].std() - 1) < 1e-4
    assert AudioEncoder(4000)(torch.from_numpy(waves[:3])).shape == (3, 512)
    options = dict(sample_rate=8000, seconds=0.5, hidden=(32,), seed=1, epochs=2, progress=False)
    first = audio_embeddings(synthetic, tmp_path, **options)
    assert first.shape == (synthetic.n_items, 512)
    assert np.isfinite(first[:10]).all() and np.isnan(first[10:]).all()
    np.testing.assert_array_equal(first, audio_embeddings(synthetic, tmp_path, **options))


def test_srt_parsing(tmp_path):
    cues = parse_srt(SRT)
    assert [(c.index, c.start, c.end) for c in cues] == [(1, 1.0, 2.5), (2, 3.0, 4.0), (3, 60.5, 61.25)]
    assert [c.text for c in cues] == ["Hello there, General Kenobi.", "You are a bold one.", "No index here."]
    (tmp_path / "7.srt").write_bytes(SRT.encode("utf-8"))
    assert read_srt(tmp_path / "7.srt") == cues
    assert subtitle_text(tmp_path / "7.srt") == "Hello there, General Kenobi. You are a bold one. No index here."
    (tmp_path / "8.srt").write_bytes("1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9\n".encode("cp1252"))
    assert subtitle_text(tmp_path / "8.srt") == "Caf\xe9"
    with pytest.raises(MTM4FError, match="block 2 has no"):
        parse_srt("1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\nno times here\n")


def test_subtitle_folder_texts_and_sbert(tmp_path):
    (tmp_path / "7.srt").write_text(SRT, encoding="utf-8")
    (tmp_path / "8.srt").write_text("", encoding="utf-8")
    texts, available = subtitle_texts_from_folder(tmp_path, [7, 8, 9], progress=False)
    assert texts == ["Hello there, General Kenobi. You are a bold one. No index here.", None, None]
    assert list(available) == [True, False, False]
    vectors, available = srt_embeddings_from_folder(tmp_path, [9, 7], progress=False)
    assert vectors.shape == (2, 384) and list(available) == [False, True]
    assert np.isnan(vectors[0]).all() and np.isfinite(vectors[1]).all() and np.abs(vectors[1]).sum() > 0
