import { useId } from 'react';
import { describeRules, routeTitle, type RouteRules } from './route-rules';

interface Props {
  routes: readonly RouteRules[];
  selected: string;
  onSelect: (name: string) => void;
}

/** Where the next files go (photos, documents, avatar), each option with its rules in words. */
export function RoutePicker({ routes, selected, onSelect }: Props) {
  const group = useId();
  if (routes.length < 2) return null;
  return (
    <fieldset className="route-picker">
      <legend>Upload as</legend>
      {routes.map((route) => {
        const id = `${group}-${route.name}`;
        return (
          <div key={route.name} className={`route-option${route.name === selected ? ' selected' : ''}`}>
            <input
              type="radio"
              id={id}
              name={group}
              value={route.name}
              checked={route.name === selected}
              onChange={() => onSelect(route.name)}
              aria-describedby={`${id}-rules`}
            />
            <label htmlFor={id}>{routeTitle(route.name)}</label>
            <ul id={`${id}-rules`} className="route-rules">
              {describeRules(route).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </div>
        );
      })}
    </fieldset>
  );
}
