import { ServiceCard } from '../../components/ServiceCard.js';
import { useNow } from '../../lib/use-now.js';
import { useStackStore } from '../../stores/stack-store.js';

/** Every service of the stack as a card with its state and actions. */
export function ServicesPage(): React.JSX.Element {
  const now = useNow(500);
  const services = useStackStore((s) => s.status?.services);
  return (
    <section className="grid">
      {services?.map((service) => (
        <ServiceCard key={service.name} service={service} now={now} />
      ))}
    </section>
  );
}
