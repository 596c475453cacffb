import type { operatorMethods } from '../../../shared/api/methods/core.js';
import { addOperator, disableOperator, listOperators, resetPin } from '../../actions/operators.js';
import type { HandlersFor } from '../router.js';
import { sessionActor as actor } from './actor.js';

export const operatorHandlers: HandlersFor<typeof operatorMethods> = {
  'operators.list': (station, session) => listOperators(station, actor(session)),
  'operators.create': (station, session, input) => addOperator(station, actor(session), input),
  'operators.resetPin': (station, session, input) => resetPin(station, actor(session), input),
  'operators.disable': (station, session, input) => disableOperator(station, actor(session), input),
};
