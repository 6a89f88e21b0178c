# t/019_scaled_corruption.pl: damaged chunks of the SCALED encoding
# (numeric values stored as scaled integers) are reported as corrupted data
# (SQLSTATE XX001), never returned and never a crash, by row scans and by
# OlapAgg reading only the scaled view.
#
# Three uncompressed twins of one numeric(12,2) table are damaged on disk
# with the server stopped: a byte of the values with the CRC left alone
# (the CRC catches it), and, with the CRC recomputed so that only the
# decoder can tell, an impossible display scale and an inner encoding that
# SCALED does not allow.  A heap bystander must read as before.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest;

my $node = PostgreSQL::Test::Cluster->new('scaled_corrupt');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
shared_preload_libraries = 'olap_ext'
autovacuum = off
});
$node->start;

my @tables = qw(sc_crc sc_dscale sc_inner);
$node->safe_psql('postgres', 'CREATE EXTENSION olap_ext');
for my $t (@tables, 'sc_twin')
{
	my $am = $t eq 'sc_twin' ? 'heap' : 'olap';
	$node->safe_psql(
		'postgres', qq{
		CREATE TABLE $t (id int, amount numeric(12, 2)) USING $am;
		@{[ $am eq 'olap' ? "SELECT olap.alter_table_set('$t', compression => 'none');" : '' ]}
		INSERT INTO $t SELECT g, (g * 7919 % 100000) / 100.0 FROM generate_series(1, 3000) g;
	});
}
$node->safe_psql('postgres', 'CHECKPOINT');

my %chunk;
my %path;
for my $t (@tables)
{
	my ($first_block, $byte_offset, $stored_bytes, $encoding) = split /\|/,
	  $node->safe_psql(
		'postgres', qq{
		SELECT first_block, byte_offset, stored_bytes, encoding FROM olap.chunks
		WHERE relation = '$t'::regclass AND column_name = 'amount'
		ORDER BY stripe_num, group_num LIMIT 1});
	is($encoding, 'scaled', "$t: the chunk to damage is scaled");
	$chunk{$t} = [ $first_block, $byte_offset, $stored_bytes ];
	$path{$t} = $node->data_dir . '/'
	  . $node->safe_psql('postgres', "SELECT pg_relation_filepath('$t')");
}
my $sum_sql = 'SELECT sum(amount), max(amount), count(*) FILTER (WHERE amount > 500) FROM %s';
my $expected = $node->safe_psql('postgres', sprintf($sum_sql, 'sc_twin'));
is($node->safe_psql('postgres', sprintf($sum_sql, 'sc_crc')),
	$expected, 'before the damage the olap table answers as its heap twin');

$node->stop;

# CRC32C (Castagnoli, reflected), as PostgreSQL's INIT/COMP/FIN_CRC32C.
my @crc_table = map {
	my $c = $_;
	$c = ($c & 1) ? (($c >> 1) ^ 0x82F63B78) : ($c >> 1) for 1 .. 8;
	$c
} 0 .. 255;

sub crc32c
{
	my ($data) = @_;
	my $crc = 0xFFFFFFFF;
	$crc = $crc_table[ ($crc ^ $_) & 0xFF ] ^ ($crc >> 8) for unpack('C*', $data);
	return $crc ^ 0xFFFFFFFF;
}

# Reads the chunk of table $t, lets $edit change it, writes it back.
sub edit_chunk
{
	my ($t, $edit) = @_;
	my ($first_block, $byte_offset, $len) = @{ $chunk{$t} };
	my @offsets = map { stream_file_offset($first_block, $byte_offset + $_) } 0 .. $len - 1;
	open(my $fh, '+<:raw', $path{$t}) or die "cannot open $path{$t}: $!";
	my $bytes = '';
	for my $off (@offsets)
	{
		my $byte;
		seek($fh, $off, 0) or die "seek: $!";
		read($fh, $byte, 1) == 1 or die "short read at $off";
		$bytes .= $byte;
	}
	$bytes = $edit->($bytes);
	length($bytes) == $len or die 'chunk length changed';
	for my $i (0 .. $len - 1)
	{
		seek($fh, $offsets[$i], 0) or die "seek: $!";
		print $fh substr($bytes, $i, 1) or die "write: $!";
	}
	close($fh) or die "close: $!";
}

# Sets byte $pos of the payload to $value and recomputes the CRC.
sub set_payload_byte
{
	my ($bytes, $pos, $value) = @_;
	substr($bytes, CHUNK_HEADER + $pos, 1) = chr($value);
	substr($bytes, 0, 4) = pack('L', crc32c(substr($bytes, 4)));
	return $bytes;
}

# the header says SCALED and no compression
edit_chunk(
	'sc_crc',
	sub {
		my ($bytes) = @_;
		is(ord(substr($bytes, 4, 1)), 5, 'the chunk header says SCALED (5)');
		is(ord(substr($bytes, 5, 1)), 0, 'the chunk is not compressed');
		is(unpack('L', substr($bytes, 0, 4)), crc32c(substr($bytes, 4)),
			'the CRC32C computed here is the stored one');
		substr($bytes, CHUNK_HEADER + 40, 1) = chr(ord(substr($bytes, CHUNK_HEADER + 40, 1)) ^ 0xFF);
		return $bytes;
	});
edit_chunk('sc_dscale', sub { set_payload_byte($_[0], 0, 64) });
edit_chunk('sc_inner', sub { set_payload_byte($_[0], 2, 5) });

$node->start;

my %problem = (
	sc_crc => qr/olap table "sc_crc" is corrupted: .*column 2 .*checksum mismatch/,
	sc_dscale => qr/olap table "sc_dscale" is corrupted: .*column 2 .*SCALED display scale 64 is invalid/,
	sc_inner => qr/olap table "sc_inner" is corrupted: .*column 2 .*SCALED inner encoding 5 is invalid/);
for my $t (@tables)
{
	expect_corrupted($node, "SELECT * FROM $t", "$t: row scan", $problem{$t});
	expect_corrupted($node, "SET max_parallel_workers_per_gather = 0; " . sprintf($sum_sql, $t),
		"$t: OlapAgg over the scaled view", $problem{$t});
	expect_corrupted($node, "SELECT count(*) FROM $t WHERE amount > 500",
		"$t: vectorized qual", $problem{$t});
}
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server is still up');
is($node->safe_psql('postgres', sprintf($sum_sql, 'sc_twin')),
	$expected, 'the heap twin reads as before');

$node->stop;
done_testing();
