import { ServiceCard } from '../../components/ServiceCard.js';
import { useNow } from '../../lib/use-now.js';
import { useStackStore } from '../../stores/stack-store.js';

/**
 * Every service of the stack as a card with its state and actions. When the supervisor stops answering, the
 * cards keep what it last reported, marked as such, with no uptime that keeps counting and no actions.
 */
export function ServicesPage(): React.JSX.Element {
  const now = useNow(500);
  const services = useStackStore((s) => s.status?.services);
  const lostAt = useStackStore((s) => s.lostAt);
  const stale = lostAt !== null && services !== undefined;
  return (
    <>
      {stale && (
        <p className="notice notice-warn" role="status" data-testid="services-stale">
          The supervisor stopped answering at {new Date(lostAt).toLocaleTimeString()}: these are the states it
          last reported, and they may no longer be true. This page updates once the stack runs again.
        </p>
      )}
      <section className="grid">
        {services?.map((service) => (
          <ServiceCard key={service.name} service={service} now={now} stale={stale} />
        ))}
      </section>
    </>
  );
}
