# This file is part of the SIGO/GOSWS social protection system. The COPYRIGHT
# file at the top level of this repository contains the full copyright notices
# and license terms.
"""What the tools back up and where to: read from an ops.conf file.

A local site (for the demo and the tests) is a directory holding a source
cluster with WAL archiving, two pgBackRest repositories (the second stands in
for the national data centre), a filestore and the configuration files."""
import configparser
import os
import secrets
import string
import subprocess
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .cluster import Cluster, as_user, free_port, give_to, postgresql_bin

TEMPLATES = os.path.dirname(os.path.abspath(__file__))
STANZA = 'sigo'


@dataclass
class Repository:
    key: int
    path: str
    cipher_pass: str


@dataclass
class Site:
    config_path: str
    stanza: str
    pgbackrest_config: str
    cluster_user: str
    database: str
    source_uri: str
    filestore: str
    state: str
    drill_repository: int
    drill_login: str
    drill_password: str
    trytond_config: str
    postgresql_bin: str = field(default_factory=postgresql_bin)
    source_data: str = ''

    @classmethod
    def load(cls, path):
        parser = configparser.ConfigParser(interpolation=None)
        if not parser.read(path):
            raise FileNotFoundError(path)
        ops = parser['ops']
        password = ops.get('drill_password', '')
        if ops.get('drill_password_file'):
            with open(ops['drill_password_file']) as secret:
                password = secret.read().strip()
        return cls(
            config_path=os.path.abspath(path),
            stanza=ops.get('stanza', STANZA),
            pgbackrest_config=ops['pgbackrest_config'],
            cluster_user=ops.get('cluster_user', 'postgres'),
            database=ops['database'],
            source_uri=ops['source_uri'],
            filestore=ops['filestore'],
            state=ops['state'],
            drill_repository=ops.getint('drill_repository', 2),
            drill_login=ops.get('drill_login', 'admin'),
            drill_password=password,
            trytond_config=ops.get('trytond_config', ''),
            postgresql_bin=ops.get('postgresql_bin') or postgresql_bin(),
            source_data=ops.get('source_data', ''),
            )

    def repositories(self):
        "The pgBackRest repositories, read from its own configuration"
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(self.pgbackrest_config)
        options = dict(parser['global'])
        if parser.has_section(self.stanza):
            options.update(parser[self.stanza])
        keys = sorted(
            int(name[4:-5]) for name in options
            if name.startswith('repo') and name.endswith('-path'))
        return [
            Repository(key, options[f'repo{key}-path'],
                options.get(f'repo{key}-cipher-pass', ''))
            for key in keys]

    def repository(self, key):
        for repository in self.repositories():
            if repository.key == key:
                return repository
        raise ValueError(f"no repository {key} in {self.pgbackrest_config}")

    def pgbackrest(self, command, *options, check=True):
        return subprocess.run(
            as_user(self.cluster_user, [
                    'pgbackrest', f'--config={self.pgbackrest_config}',
                    f'--stanza={self.stanza}', *options, command]),
            capture_output=True, text=True, check=check)

    def source_connection(self, autocommit=True):
        import psycopg
        parts = urlsplit(self.source_uri)
        return psycopg.connect(
            host=parts.hostname or '127.0.0.1', port=parts.port or 5432,
            user=parts.username or 'postgres', password=parts.password,
            dbname=self.database, autocommit=autocommit, connect_timeout=5)

    def source_cluster(self):
        "The source as a cluster this tool may start: local sites only"
        if not self.source_data:
            return None
        return Cluster(
            os.path.dirname(self.source_data),
            urlsplit(self.source_uri).port, self.cluster_user,
            self.postgresql_bin)


def _passphrase():
    alphabet = string.ascii_letters + string.digits
    return ''.join(secrets.choice(alphabet) for _ in range(40))


def create_local_site(directory, database, drill_password, email_uri=None):
    """Write a site into directory: a source cluster archiving its WAL into
    two encrypted repositories; return the path of its ops.conf"""
    directory = os.path.abspath(directory)
    paths = {
        name: os.path.join(directory, name)
        for name in ['repo1', 'repo2', 'log', 'lock', 'spool', 'filestore',
            'state']}
    for path in paths.values():
        os.makedirs(path, exist_ok=True)
    cluster = Cluster(os.path.join(directory, 'source'), free_port())
    pgbackrest_config = os.path.join(directory, 'pgbackrest.conf')
    with open(os.path.join(TEMPLATES, 'pgbackrest.conf.in')) as template:
        text = string.Template(template.read()).substitute(
            stanza=STANZA, repo1=paths['repo1'], repo2=paths['repo2'],
            repo1_cipher_pass=_passphrase(), repo2_cipher_pass=_passphrase(),
            log=paths['log'], lock=paths['lock'], spool=paths['spool'],
            pg_data=cluster.data, pg_port=cluster.port,
            pg_sockets=cluster.sockets)
    with open(pgbackrest_config, 'w') as conf:
        conf.write(text)
    os.chmod(pgbackrest_config, 0o600)
    # How Tryton reaches the source, to record results and mail alerts
    trytond_config = os.path.join(directory, 'trytond.conf')
    with open(trytond_config, 'w') as conf:
        conf.write(
            f"[database]\nuri = {cluster.uri}\npath = {paths['filestore']}\n"
            "[email]\nfrom = it-operations@sigo.example.mn\n"
            + (f"uri = {email_uri}\n" if email_uri else ''))
    ops_config = os.path.join(directory, 'ops.conf')
    with open(ops_config, 'w') as conf:
        conf.write(
            "[ops]\n"
            f"stanza = {STANZA}\n"
            f"pgbackrest_config = {pgbackrest_config}\n"
            f"database = {database}\n"
            f"source_uri = {cluster.uri}\n"
            f"source_data = {cluster.data}\n"
            f"filestore = {paths['filestore']}\n"
            f"state = {paths['state']}\n"
            f"trytond_config = {trytond_config}\n"
            "drill_repository = 2\n"
            "drill_login = admin\n"
            f"drill_password = {drill_password}\n")
    os.chmod(ops_config, 0o600)
    give_to('postgres', directory)
    cluster.initdb({
            'archive_mode': 'on',
            'archive_command': (
                f'pgbackrest --config={pgbackrest_config} '
                f'--stanza={STANZA} archive-push %p'),
            # An idle system still ships its WAL at least every minute
            'archive_timeout': '60',
            })
    cluster.start()
    cluster.wait_until_ready()
    site = Site.load(ops_config)
    site.pgbackrest('stanza-create')
    return ops_config
