# t/016_cdc_chain.pl: a sync whose source is itself fed by PostgreSQL's
# native logical replication from another server (issue 7, test g): OLTP on
# one cluster, the analytics copy on a second one.  Changes made on the
# publisher reach the olap target on the subscriber: the sync does not
# filter the changes the subscription applies under its replication origin.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use OlapTest qw(cdc_node background_errors);

my $oltp = PostgreSQL::Test::Cluster->new('oltp');
$oltp->init(allows_streaming => 'logical');
$oltp->start;

my $olap = cdc_node('analytics');

my $ddl = 'CREATE TABLE orders (id int PRIMARY KEY, customer int, amount numeric, note text)';
$oltp->safe_psql('postgres', $ddl);
$oltp->safe_psql('postgres',
	q{INSERT INTO orders SELECT g, g % 100, g * 1.25, 'n' || g FROM generate_series(1, 5000) g;
	  CREATE PUBLICATION orders_pub FOR TABLE orders;});

$olap->safe_psql('postgres', "CREATE EXTENSION olap_ext; $ddl;");
my $connstr = $oltp->connstr . ' dbname=postgres';
$olap->safe_psql('postgres',
	"CREATE SUBSCRIPTION orders_sub CONNECTION '$connstr' PUBLICATION orders_pub");
$olap->wait_for_subscription_sync($oltp, 'orders_sub');

$olap->safe_psql('postgres', q{SELECT olap.create_sync('orders', 'orders_olap')});

# changes on the publisher, in several transactions
$oltp->safe_psql(
	'postgres', q{
INSERT INTO orders SELECT g, g % 100, g, 'later' FROM generate_series(5001, 8000) g;
UPDATE orders SET amount = amount * 2 WHERE id % 5 = 0;
DELETE FROM orders WHERE id % 11 = 0;
UPDATE orders SET id = id + 100000 WHERE id < 50;
});
$oltp->wait_for_catchup('orders_sub');

my $expected = $oltp->safe_psql('postgres',
	q{SELECT count(*), sum(id), sum(amount), string_agg(note, ',' ORDER BY id) FROM orders});
ok( $olap->poll_query_until(
		'postgres',
		q{SELECT count(*), sum(id), sum(amount), string_agg(note, ',' ORDER BY id) FROM orders_olap},
		$expected),
	'olap target on the subscriber follows the publisher');
is( $olap->safe_psql('postgres',
		q{SELECT (SELECT count(*) FROM (SELECT * FROM orders EXCEPT ALL SELECT * FROM orders_olap) a)
			   + (SELECT count(*) FROM (SELECT * FROM orders_olap EXCEPT ALL SELECT * FROM orders) b)}),
	'0', 'subscriber table and olap target are identical');

$olap->safe_psql('postgres', q{SELECT olap.drop_sync('orders_olap')});
$olap->safe_psql('postgres', q{DROP SUBSCRIPTION orders_sub});
my @errors = background_errors($olap);
is(scalar(@errors), 0, 'no sync worker error in the server log')
  or diag(join("\n", @errors[0 .. ($#errors < 4 ? $#errors : 4)]));
$olap->stop;
$oltp->stop;
done_testing();
