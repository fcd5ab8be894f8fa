"""Batch archives store PDF, Word and Excel files as they are (they are compressed already) and
deflate the rest; merging chunk parts keeps each member's compression and its bytes."""

from __future__ import annotations

import zipfile

from reports.batch import merge_zips, write_zip

FILES = [("甲-自评报告.pdf", b"%PDF-1.7 " + bytes(range(256)) * 40), ("乙-自评报告.docx", b"PK\x03\x04" + b"x" * 5000),
         ("丙-自评表.xlsx", b"PK\x03\x04" + b"y" * 5000), ("说明.txt", "说明".encode() * 3000)]  # fmt: skip


def test_compressed_formats_are_stored_and_text_is_deflated(tmp_path) -> None:
    path = tmp_path / "a.zip"
    assert write_zip(path, FILES) == 4
    with zipfile.ZipFile(path) as archive:
        kinds = {info.filename: info.compress_type for info in archive.infolist()}
        assert kinds == {"甲-自评报告.pdf": zipfile.ZIP_STORED, "乙-自评报告.docx": zipfile.ZIP_STORED,
                         "丙-自评表.xlsx": zipfile.ZIP_STORED, "说明.txt": zipfile.ZIP_DEFLATED}  # fmt: skip
        assert {name: archive.read(name) for name in kinds} == dict(FILES)


def test_merging_parts_keeps_each_members_bytes_and_compression(tmp_path) -> None:
    first, second, whole = tmp_path / "1.zip", tmp_path / "2.zip", tmp_path / "all.zip"
    write_zip(first, FILES[:2])
    write_zip(second, FILES[2:])
    merge_zips(whole, [first, second])
    with zipfile.ZipFile(whole) as archive:
        assert archive.testzip() is None
        assert [i.filename for i in archive.infolist()] == [name for name, _ in FILES]
        assert [i.compress_type for i in archive.infolist()] == [zipfile.ZIP_STORED] * 3 + [zipfile.ZIP_DEFLATED]
        assert {name: archive.read(name) for name, _ in FILES} == dict(FILES)
