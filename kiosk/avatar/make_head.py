"""Writes the stylised 3D head (glTF 2.0 binary, ``.glb``) with morph targets, in pure numpy.

The head is Dingding's cousin in 3D: a round bronze-green head with two upright handle ears, a gold
band, big eyes with lids, brows and a mouth. Each feature is its own mesh (one material each) and
carries the morph targets the 3D view drives from the parameter vector:

* ``lids_l`` / ``lids_r``: ``blink``
* ``brows``: ``browUpL``, ``browUpR``, ``browSad``
* ``mouth``: ``jawOpen``, ``mouthWide``, ``mouthRound``, ``smile``, ``frown`` - visemes A-H are
  mixes of these (see :data:`VISEME_MIX`).
"""
from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# how each Rhubarb mouth shape mixes the mouth morph targets (jawOpen, mouthWide, mouthRound)
VISEME_MIX: dict[str, dict[str, float]] = {
    "A": {"jawOpen": 0.0, "mouthWide": 0.1, "mouthRound": 0.0},
    "B": {"jawOpen": 0.2, "mouthWide": 0.6, "mouthRound": 0.0},
    "C": {"jawOpen": 0.5, "mouthWide": 0.4, "mouthRound": 0.0},
    "D": {"jawOpen": 1.0, "mouthWide": 0.3, "mouthRound": 0.0},
    "E": {"jawOpen": 0.45, "mouthWide": 0.0, "mouthRound": 0.5},
    "F": {"jawOpen": 0.2, "mouthWide": 0.0, "mouthRound": 1.0},
    "G": {"jawOpen": 0.15, "mouthWide": 0.3, "mouthRound": 0.0},
    "H": {"jawOpen": 0.4, "mouthWide": 0.2, "mouthRound": 0.0},
    "X": {"jawOpen": 0.0, "mouthWide": 0.0, "mouthRound": 0.0},
}


@dataclass
class MeshData:
    name: str
    positions: np.ndarray
    normals: np.ndarray
    indices: np.ndarray
    color: tuple[float, float, float, float]
    metallic: float = 0.0
    roughness: float = 0.6
    targets: dict[str, np.ndarray] = field(default_factory=dict)  # name -> position deltas


def sphere(n_lat: int = 24, n_lon: int = 36, lat_range: tuple[float, float] = (0.0, math.pi)) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit UV sphere (or a band of it): positions, normals, triangle indices."""
    lats = np.linspace(lat_range[0], lat_range[1], n_lat + 1)
    lons = np.linspace(0, 2 * math.pi, n_lon + 1)
    th, ph = np.meshgrid(lats, lons, indexing="ij")
    pos = np.stack([np.sin(th) * np.sin(ph), np.cos(th), np.sin(th) * np.cos(ph)], axis=-1).reshape(-1, 3)
    idx = []
    for i in range(n_lat):
        for j in range(n_lon):
            a, b = i * (n_lon + 1) + j, (i + 1) * (n_lon + 1) + j
            idx += [a, b, a + 1, a + 1, b, b + 1]
    return pos.astype(np.float32), pos.astype(np.float32).copy(), np.array(idx, dtype=np.uint32)


def torus(r_major: float, r_minor: float, n_u: int = 32, n_v: int = 12) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A torus in the XY plane (a handle loop standing upright)."""
    u = np.linspace(0, 2 * math.pi, n_u + 1)
    v = np.linspace(0, 2 * math.pi, n_v + 1)
    uu, vv = np.meshgrid(u, v, indexing="ij")
    centre = np.stack([np.cos(uu) * r_major, np.sin(uu) * r_major, np.zeros_like(uu)], axis=-1)
    normal = np.stack([np.cos(uu) * np.cos(vv), np.sin(uu) * np.cos(vv), np.sin(vv)], axis=-1)
    pos = (centre + normal * r_minor).reshape(-1, 3)
    idx = []
    for i in range(n_u):
        for j in range(n_v):
            a, b = i * (n_v + 1) + j, (i + 1) * (n_v + 1) + j
            idx += [a, b, a + 1, a + 1, b, b + 1]
    return pos.astype(np.float32), normal.reshape(-1, 3).astype(np.float32), np.array(idx, dtype=np.uint32)


def _rot_x(a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]], dtype=np.float32)


def _rot_z(a: float) -> np.ndarray:
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]], dtype=np.float32)


def _merge(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pos, nor, idx, base = [], [], [], 0
    for p, n, i in parts:
        pos.append(p)
        nor.append(n)
        idx.append(i + base)
        base += len(p)
    return np.concatenate(pos), np.concatenate(nor), np.concatenate(idx)


SQUASH = (1.0, 0.92, 0.95)  # the head ellipsoid's radii
BRONZE = (0.085, 0.27, 0.18, 1.0)  # linear RGB (glTF base colours are linear)
GOLD = (0.66, 0.40, 0.08, 1.0)


def on_surface(x: float, y: float, lift: float = 0.0) -> np.ndarray:
    """The point on the front of the head at (x, y), moved ``lift`` outward along z."""
    a, b, c = SQUASH
    z = c * math.sqrt(max(0.0, 1.0 - (x / a) ** 2 - (y / b) ** 2))
    return np.array([x, y, z + lift], dtype=np.float32)


def build_head() -> list[MeshData]:
    """The meshes of the stylised head, in metres-ish units (head radius 1)."""
    meshes: list[MeshData] = []
    squash = np.array(SQUASH, dtype=np.float32)
    p, n, i = sphere(32, 48)
    meshes.append(MeshData("head", p * squash, n / squash / np.linalg.norm(n / squash, axis=1, keepdims=True),
                           i, BRONZE, metallic=0.45, roughness=0.42))
    # gold band around the head and a gold rim on top
    bp, bn, bi = sphere(4, 64, (math.radians(58), math.radians(70)))
    bp2, bn2, bi2 = torus(0.62, 0.07, 64, 12)
    bp2 = bp2 @ _rot_x(math.pi / 2).T + np.array([0, 0.66, 0], dtype=np.float32)
    bn2 = bn2 @ _rot_x(math.pi / 2).T
    band = _merge([(bp * squash * 1.015, bn, bi), (bp2, bn2, bi2)])
    meshes.append(MeshData("band", *band, GOLD, metallic=0.85, roughness=0.3))
    # handle ears
    ears = []
    for side in (-1, 1):
        tp, tn, ti = torus(0.26, 0.07)
        tp = tp * np.array([0.8, 1.0, 1.0], dtype=np.float32)
        rz = _rot_z(-side * 0.18)
        ears.append((tp @ rz.T + np.array([side * 0.55, 0.95, 0], dtype=np.float32), tn @ rz.T, ti))
    meshes.append(MeshData("ears", *_merge(ears), BRONZE, metallic=0.5, roughness=0.38))
    # eyes: whites and pupils
    eye_c = {"l": on_surface(-0.32, 0.0, -0.04), "r": on_surface(0.32, 0.0, -0.04)}
    whites, pupils = [], []
    for c in eye_c.values():
        wp, wn, wi = sphere(16, 24)
        whites.append((wp * np.array([0.2, 0.25, 0.14], dtype=np.float32) + c, wn, wi))
        pp, pn, pi_ = sphere(12, 20)
        pupils.append((pp * np.array([0.115, 0.145, 0.05], dtype=np.float32) + c + np.array([0, -0.02, 0.115], dtype=np.float32), pn, pi_))
    meshes.append(MeshData("eyes", *_merge(whites), (0.9, 0.9, 0.88, 1.0), roughness=0.25))
    meshes.append(MeshData("pupils", *_merge(pupils), (0.023, 0.008, 0.003, 1.0), roughness=0.12))
    # eyelids: upper shells that rotate down over the eye for "blink"
    for side, c in eye_c.items():
        lp, ln, li = sphere(10, 24, (0.0, math.pi * 0.5))
        lp = lp @ _rot_x(math.pi / 2).T  # dome opening toward -y, cap toward +z... orient as a shell
        ln = ln @ _rot_x(math.pi / 2).T
        scale = np.array([0.228, 0.272, 0.2], dtype=np.float32)
        open_rot, shut_rot = _rot_x(-2.35), _rot_x(-0.1)
        opened = (lp @ open_rot.T) * scale + c
        shut = (lp @ shut_rot.T) * scale + c
        meshes.append(MeshData(f"lids_{side}", opened.astype(np.float32), (ln @ open_rot.T).astype(np.float32), li,
                               BRONZE, metallic=0.45, roughness=0.42,
                               targets={"blink": (shut - opened).astype(np.float32)}))
    # brows: two flattened capsules
    brows = []
    for side in (-1, 1):
        bp_, bn_, bi_ = sphere(8, 16)
        bp_ = bp_ * np.array([0.16, 0.035, 0.05], dtype=np.float32) @ _rot_z(side * 0.12).T
        brows.append((bp_ + on_surface(side * 0.32, 0.27, 0.0), bn_, bi_))
    bpos, bnor, bidx = _merge(brows)
    n_half = len(bpos) // 2
    up_l = np.zeros_like(bpos)
    up_l[:n_half, 1] = 0.09
    up_r = np.zeros_like(bpos)
    up_r[n_half:, 1] = 0.09
    sad = np.zeros_like(bpos)
    inner = -np.sign(bpos[:, 0]) * (bpos[:, 0] - np.sign(bpos[:, 0]) * 0.32)  # + toward the nose
    sad[:, 1] = inner * 0.5
    meshes.append(MeshData("brows", bpos, bnor, bidx, (0.012, 0.02, 0.016, 1.0), roughness=0.5,
                           targets={"browUpL": up_l, "browUpR": up_r, "browSad": sad}))
    # mouth: a flattened dark ellipsoid; its targets open, widen, round and curve it
    mp_, mn_, mi_ = sphere(16, 32)
    centre = on_surface(0.0, -0.36, -0.03)
    shape = np.array([0.2, 0.035, 0.06], dtype=np.float32)
    mpos = mp_ * shape + centre
    u = mp_[:, 0]  # -1..1 across the mouth
    v = mp_[:, 1]  # -1..1 up/down
    jaw = np.zeros_like(mpos)
    jaw[:, 1] = np.where(v < 0, v * 0.16, v * 0.03)
    wide = np.zeros_like(mpos)
    wide[:, 0] = u * 0.08
    rnd = np.zeros_like(mpos)
    rnd[:, 0] = -u * 0.09
    rnd[:, 1] = v * 0.05
    smile = np.zeros_like(mpos)
    smile[:, 1] = (u ** 2) * 0.09
    smile[:, 0] = u * 0.03
    frown = np.zeros_like(mpos)
    frown[:, 1] = -(u ** 2) * 0.07
    meshes.append(MeshData("mouth", mpos.astype(np.float32), mn_, mi_, (0.10, 0.016, 0.011, 1.0), roughness=0.6,
                           targets={"jawOpen": jaw, "mouthWide": wide, "mouthRound": rnd, "smile": smile, "frown": frown}))
    return meshes


def write_glb(meshes: list[MeshData], out: str | Path) -> Path:
    """Write meshes (one node each under a root node ``head_root``) as a GLB file."""
    out = Path(out)
    blob = bytearray()
    gltf: dict = {
        "asset": {"version": "2.0", "generator": "kiosk avatar make-head"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"name": "head_root", "children": list(range(1, len(meshes) + 1))}],
        "meshes": [], "materials": [], "accessors": [], "bufferViews": [], "buffers": [],
    }

    def add_view(data: bytes, target: int | None) -> int:
        while len(blob) % 4:
            blob.append(0)
        view = {"buffer": 0, "byteOffset": len(blob), "byteLength": len(data)}
        if target:
            view["target"] = target
        blob.extend(data)
        gltf["bufferViews"].append(view)
        return len(gltf["bufferViews"]) - 1

    def add_vec3(a: np.ndarray) -> int:
        a = np.ascontiguousarray(a, dtype=np.float32)
        view = add_view(a.tobytes(), 34962)
        gltf["accessors"].append({
            "bufferView": view, "componentType": 5126, "count": len(a), "type": "VEC3",
            "min": a.min(axis=0).tolist(), "max": a.max(axis=0).tolist(),
        })
        return len(gltf["accessors"]) - 1

    for m in meshes:
        idx = np.ascontiguousarray(m.indices, dtype=np.uint32)
        view = add_view(idx.tobytes(), 34963)
        gltf["accessors"].append({"bufferView": view, "componentType": 5125, "count": len(idx), "type": "SCALAR"})
        idx_acc = len(gltf["accessors"]) - 1
        normals = m.normals / np.maximum(np.linalg.norm(m.normals, axis=1, keepdims=True), 1e-8)
        prim: dict = {
            "attributes": {"POSITION": add_vec3(m.positions), "NORMAL": add_vec3(normals)},
            "indices": idx_acc, "material": len(gltf["materials"]), "mode": 4,
        }
        gltf["materials"].append({
            "name": f"{m.name}_mat",
            "doubleSided": True, "pbrMetallicRoughness": {"baseColorFactor": list(m.color), "metallicFactor": m.metallic, "roughnessFactor": m.roughness},
        })
        mesh: dict = {"name": m.name, "primitives": [prim]}
        if m.targets:
            prim["targets"] = [{"POSITION": add_vec3(d)} for d in m.targets.values()]
            mesh["weights"] = [0.0] * len(m.targets)
            mesh["extras"] = {"targetNames": list(m.targets)}
        gltf["meshes"].append(mesh)
        gltf["nodes"].append({"name": m.name, "mesh": len(gltf["meshes"]) - 1})
    while len(blob) % 4:
        blob.append(0)
    gltf["buffers"].append({"byteLength": len(blob)})
    js = json.dumps(gltf, separators=(",", ":")).encode()
    js += b" " * ((4 - len(js) % 4) % 4)
    total = 12 + 8 + len(js) + 8 + len(blob)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as f:
        f.write(struct.pack("<III", 0x46546C67, 2, total))
        f.write(struct.pack("<II", len(js), 0x4E4F534A) + js)
        f.write(struct.pack("<II", len(blob), 0x004E4942) + bytes(blob))
    return out


def read_glb_json(path: str | Path) -> dict:
    """The JSON chunk of a GLB file (for checks and tests)."""
    data = Path(path).read_bytes()
    magic, version, total = struct.unpack_from("<III", data, 0)
    if magic != 0x46546C67 or version != 2 or total != len(data):
        raise ValueError(f"{path}: not a glTF 2.0 binary file")
    length, kind = struct.unpack_from("<II", data, 12)
    if kind != 0x4E4F534A:
        raise ValueError(f"{path}: first chunk is not JSON")
    return json.loads(data[20:20 + length])


def make_head(out: str | Path) -> Path:
    return write_glb(build_head(), out)
