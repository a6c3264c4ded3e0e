import type { ImageProcessing, RouteRules, RouterOutputs } from '@app/api';
import { expectTypeOf, test } from 'vitest';
import type { ImageOptions } from './options';
import { prepareImage } from './prepare-image';

type PublishedImage = RouterOutputs['upload']['routes']['routes']['photo']['image'];

test('a route table image option is what processImage takes', () => {
  expectTypeOf<ImageProcessing>().toExtend<ImageOptions>();
  expectTypeOf<NonNullable<PublishedImage>>().toExtend<ImageOptions>();
  expectTypeOf<RouteRules['image']>().toExtend<ImageOptions | null>();
  // A typo in an option does not slip through.
  // @ts-expect-error maxEgde is no option
  expectTypeOf<{ maxEgde: number }>().toExtend<ImageOptions>();
});

test("a route's published rules can be handed to prepareImage as they are", () => {
  const rules = {} as RouterOutputs['upload']['routes']['routes']['photo'];
  expectTypeOf(prepareImage).toBeCallableWith(new File([], 'a'), { policy: rules });
});
