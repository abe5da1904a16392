# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""Tryton's filestore (attachments) copied into every repository beside the
database backups: one tar per verification point, encrypted with the
repository's passphrase, with a SHA-256 checksum of every file"""
import hashlib
import os
import subprocess
import tarfile
import tempfile

DIRECTORY = 'sigo-ops'


def sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as content:
        for block in iter(lambda: content.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def manifest(directory):
    "The checksum of every file under directory, by relative path"
    files = {}
    for root, _, names in os.walk(directory):
        for name in names:
            path = os.path.join(root, name)
            files[os.path.relpath(path, directory)] = sha256(path)
    return files


def archive_path(repository, stanza, point):
    return os.path.join(
        repository.path, DIRECTORY, stanza, 'filestore', point + '.tar.enc')


def _openssl(mode, source, target, passphrase):
    subprocess.run(
        ['openssl', 'enc', '-aes-256-cbc', '-pbkdf2', '-salt', mode,
            '-pass', 'env:SIGO_FILESTORE_PASS', '-in', source, '-out', target],
        env=dict(os.environ, SIGO_FILESTORE_PASS=passphrase),
        check=True, capture_output=True)


def save(filestore, database, repositories, stanza, point):
    """Archive the database's filestore into every repository; return the
    manifest and the archive checksums by repository key"""
    source = os.path.join(filestore, database)
    files = manifest(source) if os.path.isdir(source) else {}
    checksums = {}
    with tempfile.TemporaryDirectory() as work:
        plain = os.path.join(work, 'filestore.tar')
        with tarfile.open(plain, 'w') as tar:
            for name in sorted(files):
                tar.add(os.path.join(source, name), arcname=name)
        for repository in repositories:
            target = archive_path(repository, stanza, point)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            _openssl('-e', plain, target, repository.cipher_pass)
            checksums[str(repository.key)] = sha256(target)
    return files, checksums


def restore(repository, stanza, point, expected, target):
    """Extract the point's filestore from repository into target/;
    return the problems found (empty when every file is intact)"""
    archive = archive_path(repository, stanza, point['name'])
    if not os.path.exists(archive):
        return [f"filestore archive missing: {archive}"]
    checksum = point['filestore']['archives'].get(str(repository.key))
    if sha256(archive) != checksum:
        return [f"filestore archive checksum mismatch: {archive}"]
    os.makedirs(target, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        plain = os.path.join(work, 'filestore.tar')
        try:
            _openssl('-d', archive, plain, repository.cipher_pass)
        except subprocess.CalledProcessError as error:
            return [f"filestore archive does not decrypt: {error.stderr!r}"]
        with tarfile.open(plain) as tar:
            tar.extractall(target, filter='data')
    restored = manifest(target)
    problems = []
    for name, digest in sorted(expected.items()):
        if name not in restored:
            problems.append(f"filestore file missing: {name}")
        elif restored[name] != digest:
            problems.append(f"filestore file checksum mismatch: {name}")
    return problems
