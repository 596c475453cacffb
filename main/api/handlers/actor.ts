import type { Actor } from '../../actions/context.js';
import type { Session } from '../router.js';

/** The signed-in operator of an app window, as the actions take it (null: no one). */
export function sessionActor(session: Session): Actor | null {
  return session.operator ? { name: session.operator.name, role: session.operator.role, via: 'session' } : null;
}
