// Localized media type names: `name(locale)` falls back to English, then to any name, then the code.
import { Arg, Field, FieldResolver, ObjectType, Resolver } from 'type-graphql';
import { Parent } from '../graphql/parent';
import { MediaTypeType } from '../schema/printer.type';

@ObjectType('LocalizedName')
export class LocalizedNameType {
  @Field() locale!: string;
  @Field() name!: string;
}

@Resolver(() => MediaTypeType)
export class MediaTypeResolver {
  @FieldResolver(() => String)
  name(
    @Parent() mediaType: MediaTypeType,
    @Arg('locale', { defaultValue: 'en', description: 'BCP 47 tag, e.g. de or de-CH' }) locale: string,
  ): string {
    const names = mediaType.names ?? {};
    const language = locale.split('-')[0]!;
    return names[locale] ?? names[language] ?? names.en ?? Object.values(names)[0] ?? mediaType.code;
  }

  @FieldResolver(() => [LocalizedNameType])
  names(@Parent() mediaType: MediaTypeType): LocalizedNameType[] {
    return Object.entries(mediaType.names ?? {})
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([locale, name]) => ({ locale, name }));
  }
}
