"""`kiosk models`, `kiosk transcribe`, `kiosk say`, `kiosk converse`: the kiosk's voice."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from kiosk.commands.common import add_venue_option, load_site, venue_path


def register(sub: argparse._SubParsersAction) -> None:
    models = sub.add_parser("models", help="add and list speech recognition (Vosk) models",
                            description="The kiosk's store of Vosk models (in its data folder; "
                                        "KIOSK_DATA_DIR overrides where that is).")
    msub = models.add_subparsers(dest="models_command", metavar="ACTION")
    msub.required = True
    add = msub.add_parser("add", help="copy a Vosk model folder or zip into the store",
                          description="Checks that PATH (a folder or a .zip as downloaded from the Vosk "
                                      "site) is a Vosk model, then copies it into the store. A broken model "
                                      "never replaces one that works.")
    add.add_argument("path", metavar="PATH|ZIP", type=Path)
    add.add_argument("--lang", help="language it recognises (zh, en, ko, ...); guessed from the name if left out")
    add.add_argument("--name", help="name in the store (default: the folder or zip name)")
    add.set_defaults(func=cmd_models_add)
    ls = msub.add_parser("list", help="list the models and which language each site language uses")
    ls.add_argument("--config", metavar="FILE", type=Path, default=None, help="site config TOML file")
    ls.add_argument("--json", action="store_true", help="print JSON")
    ls.set_defaults(func=cmd_models_list)

    tr = sub.add_parser("transcribe", help="recognise speech in a WAV/FLAC file",
                        description="Runs the file through the same endpointing and recognition as the "
                                    "microphone and prints one line per utterance.")
    tr.add_argument("audio", metavar="AUDIO", type=Path)
    tr.add_argument("--lang", help="language (default: the first language with a model)")
    add_venue_option(tr)
    tr.add_argument("--no-grammar", action="store_true", help="free decoding only (ignore the venue vocabulary)")
    tr.add_argument("--whole", action="store_true", help="one utterance for the whole file (no endpointing)")
    tr.add_argument("--json", action="store_true", help="print JSON")
    tr.set_defaults(func=cmd_transcribe)

    say = sub.add_parser("say", help="speak a text into a WAV file (and a lip-sync timeline)",
                         description="Renders TEXT with the kiosk's speech engine.")
    say.add_argument("text")
    say.add_argument("--lang", default="zh", help="language of the text (default zh)")
    say.add_argument("--out", type=Path, help="WAV file to write")
    say.add_argument("--visemes", type=Path, help="JSON file for the viseme timeline (Rhubarb A-H, X)")
    say.add_argument("--play", action="store_true", help="play it on the speaker")
    say.add_argument("--config", metavar="FILE", type=Path, default=None, help="site config TOML file")
    say.set_defaults(func=cmd_say)

    conv = sub.add_parser("converse", help="one whole voice turn from a recorded question",
                          description="Hears AUDIO as if spoken at the kiosk, answers from the venue pack "
                                      "and speaks the answer; prints the transcript, the reply and when each "
                                      "stage finished (ms after the end of speech was detected).")
    add_venue_option(conv)
    conv.add_argument("--audio", type=Path, required=True, help="WAV/FLAC file with the visitor's question")
    conv.add_argument("--lang", help="language (default: the first pack language with a model)")
    conv.add_argument("--out", type=Path, help="WAV file for the spoken reply")
    conv.add_argument("--realtime", action="store_true", help="feed the audio at real speed (default: as fast as possible)")
    conv.add_argument("--play", action="store_true", help="play the reply on the speaker")
    conv.add_argument("--json", action="store_true", help="print JSON")
    conv.set_defaults(func=cmd_converse)


def _fail(message: str, code: int = 1) -> int:
    print(f"kiosk: {message}", file=sys.stderr)
    return code


def cmd_models_add(args: argparse.Namespace) -> int:
    from kiosk.speech.model_store import ModelError, add_model

    try:
        info = add_model(args.path, args.lang, args.name)
    except ModelError as exc:
        return _fail(str(exc))
    print(f"added {info.name} ({info.lang}, {info.kind}, {info.words} words) to {info.path.parent}")
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from kiosk.speech.model_store import ModelError, list_models, resolve_model, store_dir

    config = load_site(args)
    models = list_models()
    langs = sorted(set(config.site.languages) | set(config.speech.models) | {m.lang for m in models} - {"?"})
    status = {}
    for lang in langs:
        try:
            status[lang] = {"ok": True, "model": str(resolve_model(lang, config.speech.models))}
        except ModelError as exc:
            status[lang] = {"ok": False, "message": str(exc)}
    if args.json:
        print(json.dumps({"store": str(store_dir()), "models": [m.to_dict() for m in models], "languages": status},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"model store: {store_dir()}")
    if not models:
        print("  (empty)")
    for m in models:
        print(f"  {m.name:32} {m.lang:4} {m.kind:10} {m.words:>8} words  added {m.added}")
    for lang, st in status.items():
        print(f"{lang}: " + (f"uses {Path(st['model']).name}" if st["ok"] else f"MISSING - {st['message']}"))
    return 0


def _pick_lang(requested: str | None, candidates: list[str], models: dict[str, str]) -> str:
    """The requested language, else the first candidate that has a model in the store."""
    from kiosk.speech.model_store import ModelError, resolve_model

    if requested:
        return requested
    for lang in candidates:
        try:
            resolve_model(lang, models)
            return lang
        except ModelError:
            continue
    return candidates[0] if candidates else "zh"


def _pack_vocabulary(args: argparse.Namespace, config, lang: str) -> set[str] | None:  # noqa: ANN001
    if not getattr(args, "venue", None):
        return None
    from kiosk.pack.loader import PackError, load_pack

    try:
        return load_pack(args.venue).vocabulary(lang)
    except PackError as exc:
        raise SystemExit(_fail(f"the venue pack has errors:\n{exc}"))


def cmd_transcribe(args: argparse.Namespace) -> int:
    from kiosk.speech.audio_source import AudioSourceError, FileSource
    from kiosk.speech.model_store import ModelError
    from kiosk.speech.service import make_recognizer
    from kiosk.speech.vad import Endpointer

    config = load_site(args)
    lang = _pick_lang(args.lang, config.site.languages + ["ko"], config.speech.models)
    vocab = None if args.no_grammar else _pack_vocabulary(args, config, lang)
    try:
        rec = make_recognizer(lang, config.speech, vocab)
        source = FileSource(args.audio, rec.sample_rate)
    except (ModelError, AudioSourceError) as exc:
        return _fail(str(exc))
    started = time.perf_counter()
    utterances = []
    if args.whole:
        t = rec.transcribe(source.frames())
        utterances.append({"start_s": 0.0, "end_s": round(source.duration_s, 3), **t.to_dict()})
    else:
        vad = Endpointer(config.speech.vad_preset, rec.sample_rate)
        start = 0.0
        for frame in source.frames():
            for ev in vad.feed(frame):
                if ev.kind == "start":
                    start = vad.speech_start_t or 0.0
                    for f in ev.frames:
                        rec.accept(f)
                elif ev.kind == "speech":
                    rec.accept(ev.frames[0])
                elif ev.kind == "end":
                    t = rec.finish()
                    utterances.append({"start_s": round(start, 3), "end_s": round(ev.t, 3), "end": ev.reason, **t.to_dict()})
    elapsed = time.perf_counter() - started
    rtf = elapsed / source.duration_s if source.duration_s else 0.0
    if args.json:
        print(json.dumps({"file": str(args.audio), "lang": lang, "model": rec.model_path.name,
                          "grammar": bool(rec.grammar), "utterances": utterances,
                          "audio_s": round(source.duration_s, 3), "real_time_factor": round(rtf, 3)},
                         ensure_ascii=False))
    else:
        for u in utterances:
            print(f"[{u['start_s']:7.2f}-{u['end_s']:7.2f}] {u['text']}")
        if not utterances:
            print("(no speech heard)")
    return 0


def cmd_say(args: argparse.Namespace) -> int:
    from kiosk.speech.playback import PlaybackError, Player, SoundDeviceSink
    from kiosk.speech.tts import Synthesizer, TtsError, join, write_wav

    config = load_site(args)
    synth = Synthesizer(rate=config.speech.tts_rate, volume=config.speech.tts_volume)
    try:
        speech = join(list(synth.render_sentences(args.text, args.lang)))
    except TtsError as exc:
        return _fail(str(exc))
    if args.out:
        write_wav(args.out, speech)
    if args.visemes:
        args.visemes.write_text(json.dumps({
            "text": args.text, "lang": args.lang, "duration_s": round(speech.duration_s, 3),
            "source": speech.viseme_source, "cues": [c.to_dict() for c in speech.cues]}, ensure_ascii=False, indent=1),
            encoding="utf-8")
    if args.play:
        try:
            player = Player(SoundDeviceSink(config.speech.speaker))
        except PlaybackError as exc:
            return _fail(str(exc))
        player.play(speech)
        player.wait()
    print(f"{speech.duration_s:.2f} s of speech, {len(speech.cues)} viseme cues ({speech.viseme_source}), "
          f"rendered in {speech.render_s * 1000:.0f} ms", file=sys.stderr)
    return 0


def cmd_converse(args: argparse.Namespace) -> int:
    from kiosk.dialog.factory import build_engine
    from kiosk.pack.loader import PackError
    from kiosk.pipeline.events import EventBus
    from kiosk.speech.audio_source import AudioSourceError, FileSource
    from kiosk.speech.model_store import ModelError
    from kiosk.speech.playback import PlaybackError, RecordingSink, SoundDeviceSink
    from kiosk.speech.service import start_voice
    from kiosk.speech.tts import write_wav

    config = load_site(args)
    try:
        engine, _status = build_engine(venue_path(args, config), config)
    except PackError as exc:
        return _fail(f"the venue pack has errors and cannot be used:\n{exc}")
    lang = _pick_lang(args.lang, list(engine.pack.languages), config.speech.models)
    session = engine.new_session()
    try:
        source = FileSource(args.audio, 16000, realtime=args.realtime)
    except AudioSourceError as exc:
        return _fail(str(exc))
    try:
        sink = SoundDeviceSink(config.speech.speaker) if args.play else RecordingSink(realtime=False)
    except PlaybackError as exc:
        return _fail(str(exc))
    bus = EventBus()
    started = time.perf_counter()
    loop, _src, status = start_voice(config.speech, lang, lambda text, lg: session.handle(text, lg, mode="voice"),
                                     bus, engine.pack.vocabulary(lang), source=source, sink=sink)
    if loop is None:
        return _fail(status.message)
    turns = loop.run(source.frames(), max_turns=1)
    if not turns:
        return _fail(f"{args.audio}: no speech heard")
    loop.wait_idle(60.0)
    turn = turns[0]
    elapsed = time.perf_counter() - started
    if args.out and turn.speech is not None:
        write_wav(args.out, turn.speech)
    result = turn.to_dict()
    result.update({"audio": str(args.audio), "model": status.model, "processing_s": round(elapsed, 3),
                   "events": [e.type.value for e in bus.history()]})
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"heard:   {turn.transcript.text if turn.transcript else ''}")
        print(f"reply:   {getattr(turn.reply, 'text', '')}")
        print(f"intent:  {getattr(turn.reply, 'intent', None)} ({getattr(turn.reply, 'state', '')})")
        for stage, ms in result["stages_ms_after_speech_end"].items():
            print(f"  {stage:18} {ms:8.1f} ms")
    return 0 if turn.error is None else 1
