# t/007_client_protocol.pl: a real client library (psycopg 3, extended
# query protocol, over TCP) against olap tables; the checks themselves are in
# t/client_protocol.py, each comparing with a heap twin.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# scripts/run-tests.sh installs python3-psycopg; without it this test fails
my $python = '/usr/bin/python3';
BAIL_OUT('python3 with psycopg 3 (Debian package python3-psycopg) is required')
  unless -x $python && system($python, '-c', 'import psycopg') == 0;

my $node = PostgreSQL::Test::Cluster->new('client');
$node->init;
$node->append_conf('postgresql.conf', qq{
shared_preload_libraries = 'olap_ext'
listen_addresses = '127.0.0.1'
});
$node->start;

my $dsn = 'host=127.0.0.1 port=' . $node->port . ' dbname=postgres';
my ($stdout, $stderr);
my $ok = IPC::Run::run([ $python, "$ENV{TESTDIR}/t/client_protocol.py", $dsn ],
	'>', \$stdout, '2>', \$stderr);
note $stdout;
note $stderr if $stderr;
ok($ok, 'the client checks ran to the end');
for my $line (split /\n/, $stdout)
{
	next unless $line =~ /^(not ok|ok) - (.*)$/;
	ok($1 eq 'ok', $2);
}
like($stdout, qr/# (\d+) of \1 checks passed/, 'every client check passed');

$node->stop;
done_testing();
